//! Benchmarks for rolecall (see BENCHMARKS.md).
