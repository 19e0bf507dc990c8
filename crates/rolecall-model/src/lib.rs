//! Reference model (work in progress).
