//! The Python interpreter the benches compare against.

use std::path::{Path, PathBuf};

/// `$FLYTE_TEST_PYTHON`; a relative path is taken from the workspace root, where the
/// documented commands run (cargo runs a bench in its package's directory).
pub(crate) fn test_python() -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("FLYTE_TEST_PYTHON").filter(|p| !p.is_empty())?);
    Some(
        match python.is_relative() && python.components().count() > 1 {
            true => Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(python),
            false => python,
        },
    )
}
