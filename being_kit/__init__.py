"""being-kit: a Jupyter-first workbench for large motion models (Being-M0 / MotionLib).

Folders are the pipeline's nouns: `motion` (skeleton, representations), `data` (corpora), `tokenizer`, `lm`, `eval`,
`viz`; `pipeline` runs the numbered notebooks with papermill; `bench` prints speed figures.
Importing being_kit never initialises CUDA.
"""

__version__ = "0.1.0"
