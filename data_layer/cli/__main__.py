"""``python -m data_layer.cli``: the same as the ``ansinh`` console script."""

from data_layer.cli import run

run()
