"""being_kit.launcher: a free port per launch, and a clear refusal of more processes than GPUs."""
import socket

import pytest
import torch

from being_kit.launcher import free_port, launch


def test_free_port_can_be_bound():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_one_process_runs_here():
    assert launch(lambda a, b: a + b, (2, 3), num_processes=1) == 5


def test_zero_processes_is_refused():
    with pytest.raises(ValueError, match="num_processes: must be >= 1, got 0"):
        launch(print, (), num_processes=0)


def test_more_processes_than_gpus_is_refused_before_any_process_starts(monkeypatch):
    """Measured on one H200: the tiny profile's 2 processes ended in CUDA's 'invalid device ordinal' from a barrier."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    started = []
    with pytest.raises(ValueError) as err:
        launch(lambda: started.append(1), (), num_processes=2)
    message = str(err.value)
    assert "num_processes: 2 processes need 2 GPUs, this machine has 1" in message
    assert "--set <notebook>.num_processes=1" in message and "CUDA_VISIBLE_DEVICES=" in message
    assert started == []
