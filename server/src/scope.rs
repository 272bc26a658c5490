//! A secret's scope and full reference, validated.

use std::fmt;

/// (organization, project, domain). Empty project and domain: the organization scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Scope {
    pub(crate) organization: String,
    pub(crate) project: String,
    pub(crate) domain: String,
}

/// A secret's scope and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SecretRef {
    pub(crate) scope: Scope,
    pub(crate) name: String,
}

impl Scope {
    /// True for the organization-wide scope (no project, no domain).
    pub(crate) fn is_org_wide(&self) -> bool {
        self.project.is_empty() && self.domain.is_empty()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "organization `{}`", self.organization)?;
        if self.is_org_wide() {
            return f.write_str(" (organization-wide)");
        }
        // Parts not given are left out (a domain-wide secret has no project).
        if !self.project.is_empty() {
            write!(f, ", project `{}`", self.project)?;
        }
        if !self.domain.is_empty() {
            write!(f, ", domain `{}`", self.domain)?;
        }
        Ok(())
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "secret `{}` in {}", self.name, self.scope)
    }
}
