"""What the simulator's tests (test_*.py) share: the simulator imported from this directory with
no bytecode written beside it (image/build.sh hashes every file of sim/), a temporary jail root,
and a command's captured exit status and output. Not a test file itself.

All the tests: PYTHONDONTWRITEBYTECODE=1 python3 -m unittest discover -s integration-tests/sim -p 'test_*.py'"""
import io
import os
import shutil
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
import freebsd_sim as fs  # noqa: E402


class Root:
    """A temporary root, made the current jail root for the duration of a test."""

    def __init__(self, files):
        self.files = files

    def __enter__(self):
        self.dir = tempfile.mkdtemp()
        for path, text in self.files.items():
            full = os.path.join(self.dir, path.lstrip("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        self.old = fs.JROOT
        fs.JROOT = self.dir
        return self.dir

    def __exit__(self, *exc):
        fs.JROOT = self.old
        shutil.rmtree(self.dir)


def captured(function, *args):
    o, e = io.StringIO(), io.StringIO()
    code = None
    with redirect_stdout(o), redirect_stderr(e):
        try:
            code = function(*args)
        except SystemExit as x:
            code = x.code
    return code, o.getvalue(), e.getvalue()
