//! rolecall-audit (work in progress).
