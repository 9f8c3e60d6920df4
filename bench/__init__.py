"""The benchmark suite of issue 6: the gateway measured as ratios against baselines run beside it.

Run everything with `python -m bench` (see README, "Benchmarks"); each suite is one module:
`overhead` (a), `engine` (b), `load` (c), `memory` (d), and `profiles` for where time goes.
"""
