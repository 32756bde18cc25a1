"""cuomin (错敏): finds erroneous and sensitive wording in Chinese government new-media posts."""

import os

__version__ = "0.1.0"

# The engine's numpy work (the typo layer's gathers and maxima) never calls BLAS, yet OpenBLAS starts a
# thread per core in every process that imports numpy: a tenth of `cuomin check`'s CPU time, and threads
# that compete with the server's and the checking processes' own. Set before numpy is imported; an
# explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
