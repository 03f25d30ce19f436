"""SMPL-X mesh view for the player, when the user has the body-model files (they cannot ship with being-kit).

Where the files are looked for: the `body_model_dir` argument, else $BEING_KIT_SMPLX_DIR; inside it `SMPLX_NEUTRAL.npz`
(or `.pkl`), directly or under `smplx/`. When something is missing, `MeshUnavailable` says exactly what, and the
player keeps its skeleton view. The mesh needs SMPL-convention joint rotations, i.e. SMPL-D135 motions (HumanML3D
joint positions have no SMPL rotations). Vertices are computed once with `smplx` (body pose as rotation matrices,
`pose2rot=False`); a vertex buffer cannot be animated by keyframe tracks, so the mesh follows the frame slider
from the kernel (one message per shown frame).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

ENV_VAR = "BEING_KIT_SMPLX_DIR"
MODEL_FILES = ("SMPLX_NEUTRAL.npz", "SMPLX_NEUTRAL.pkl")


class MeshUnavailable(RuntimeError):
    """The SMPL-X mesh cannot be shown; the message names what is missing and how to provide it."""


def find_smplx_model(body_model_dir: str | os.PathLike | None = None) -> Path:
    """The SMPL-X model file, or MeshUnavailable naming the folder/file that is missing."""
    folder = body_model_dir or os.environ.get(ENV_VAR)
    if not folder:
        raise MeshUnavailable(
            f"no SMPL-X body model folder given: pass body_model_dir=... or set ${ENV_VAR} to a folder holding "
            f"{MODEL_FILES[0]} (download it from https://smpl-x.is.tue.mpg.de after accepting its licence)"
        )
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise MeshUnavailable(f"SMPL-X folder {folder} does not exist (from body_model_dir or ${ENV_VAR})")
    for base in (folder, folder / "smplx"):
        for name in MODEL_FILES:
            if (base / name).is_file():
                return base / name
    raise MeshUnavailable(f"{folder} has no {MODEL_FILES[0]} or {MODEL_FILES[1]} (also looked in {folder / 'smplx'})")


def smplx_vertices(model_file: Path, root_positions: np.ndarray, local_rotations: np.ndarray,
                   batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (t, v, 3) metres and faces (f, 3) of the neutral SMPL-X body for SMPL-convention rotations
    (t, 22, 3, 3) and root path (t, 3); pelvis placed on `root_positions`."""
    import smplx
    import torch

    model = smplx.create(str(model_file.parent.parent if model_file.parent.name == "smplx" else model_file.parent),
                         model_type="smplx", gender="neutral", use_pca=False, ext=model_file.suffix[1:])
    rots = torch.as_tensor(np.asarray(local_rotations), dtype=torch.float32)
    out = []
    with torch.no_grad():
        for s in range(0, len(rots), batch):
            r = rots[s : s + batch]
            b = len(r)
            res = model(global_orient=r[:, 0:1], body_pose=r[:, 1:22], pose2rot=False, batch_size=b,
                        return_verts=True)
            verts = res.vertices - res.joints[:, :1]  # pelvis at the origin
            out.append(verts.numpy())
    verts = np.concatenate(out, 0) + np.asarray(root_positions, dtype=np.float32)[:, None]
    return verts.astype(np.float32), np.asarray(model.faces, dtype=np.uint32)


class SmplxMeshView:
    """A pythreejs mesh of an SMPL-X body following one SMPL-D135 motion; `show_frame(i)` moves it."""

    def __init__(self, motion: Any, offset: np.ndarray, body_model_dir: str | None = None) -> None:
        model_file = find_smplx_model(body_model_dir)
        arr = np.asarray(getattr(motion, "motion", motion), dtype=np.float32)
        if arr.ndim != 2 or arr.shape[1] != 135:
            raise MeshUnavailable(
                f"the mesh view needs SMPL-D135 features (t, 135) carrying SMPL joint rotations; got shape {arr.shape}"
                " (joint positions and HumanML3D features have no SMPL rotations)"
            )
        from ..motion.d135 import rotations_from_d135

        root, rots = rotations_from_d135(arr.astype(np.float64))
        self.vertices, self.faces = smplx_vertices(model_file, root + offset, rots)
        import pythreejs as p3

        self.position = p3.BufferAttribute(array=self.vertices[0])
        geometry = p3.BufferGeometry(attributes={"position": self.position,
                                                 "index": p3.BufferAttribute(array=self.faces.ravel())})
        geometry.exec_three_obj_method("computeVertexNormals")
        self.mesh = p3.Mesh(geometry, p3.MeshStandardMaterial(color="#C8B4A0", roughness=0.8, transparent=True,
                                                              opacity=0.85), name="smplx")

    def show_frame(self, frame: int) -> None:
        self.position.array = self.vertices[min(int(frame), len(self.vertices) - 1)]
