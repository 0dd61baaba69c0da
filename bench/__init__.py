"""Load benchmarks of the live path (not tests): ``make bench``."""
