"""``python -m atlier_policy``: the same as the ``atlier-policy`` command."""

from atlier_policy.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
