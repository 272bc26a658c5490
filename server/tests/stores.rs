//! Store tests (temporary entry point until the shared conformance suite lands).

mod common;

mod stores {
    pub(crate) mod openbao;
}
