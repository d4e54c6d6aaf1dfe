"""Demo and synthetic data: a district shaped like the seed article (`district`) and
synthetic people with valid check digits, never real ones (`synthetic`), for `make run`,
the tests and the benchmarks."""
