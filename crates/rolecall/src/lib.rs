//! The rolecall command-line tool (work in progress).
