//! rolecall-eval (work in progress).
