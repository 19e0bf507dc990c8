//! Write-time validation (work in progress).
