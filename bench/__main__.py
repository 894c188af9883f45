"""`python -m bench [NAME ...] [-- options]`: run the named benchmarks (all when none is named).

Each benchmark is a module `bench.<name>` with `main(argv) -> int`.
"""
import importlib
import sys

BENCHMARKS = {
    "packets": "bench.packets",
    "live": "bench.live",
    "packets-live": "bench.packets_live",
}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    names = []
    while argv and not argv[0].startswith("-"):
        names.append(argv.pop(0))
    if argv and argv[0] == "--":
        argv.pop(0)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names or list(BENCHMARKS):
        status |= importlib.import_module(BENCHMARKS[name]).main(argv) or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
