//! Owns the workspace-level `tests/` and `examples/` folders; holds no code of its own.
