//! The secret rules, applied to the parsed attribute. The rules themselves live in
//! `flyte-spec` (shared with the runtime); this module only maps each broken rule to the
//! literal at fault. What comes out has passed every rule, and is all `expand` sees.

pub(crate) mod main_args;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use flyte_spec::{
    Clash, Conflict, Declared, Field, Request, SpecError, Target, check_task, default_env_name,
    is_valid_env_name,
};
use proc_macro2::Span;

use crate::diag::{Errors, error};
use crate::parse::{RawSecret, TaskArgs};

/// A task's declaration that passed every rule.
#[derive(Debug)]
pub(crate) struct ValidTask {
    pub secrets: Vec<ValidSecret>,
    pub in_impl: bool,
    /// Passed through from the attribute, see [`TaskArgs::secret_paths`].
    pub secret_paths: Vec<proc_macro2::TokenStream>,
    /// Keys no secret service stores (valid otherwise: the process or a dotenv file may
    /// still have them), with their literal's span: each gets a warning.
    pub unstorable_keys: Vec<(String, proc_macro2::Span)>,
}

/// One secret that passed every rule, with where it lands.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ValidSecret {
    pub key: String,
    pub group: Option<String>,
    pub target: Target,
}

impl ValidSecret {
    /// `key` or `group/key`, as the runtime names secrets.
    pub(crate) fn display_name(&self) -> String {
        flyte_spec::display_name(&self.key, self.group.as_deref())
    }
}

/// Checks every secret and, across them, that no two land in the same place. All broken
/// rules of all secrets are reported together.
pub(crate) fn task(args: &TaskArgs) -> syn::Result<ValidTask> {
    let mut errors = Errors::default();
    let mut valid = Vec::with_capacity(args.secrets.len());
    let mut unstorable_keys = Vec::new();
    for raw in &args.secrets {
        let values = Values::of(raw);
        if !flyte_spec::is_storable_name(flyte_spec::service_name(&values.key)) {
            unstorable_keys.push((values.key.clone(), raw.key.span()));
        }
        match values.request().resolve() {
            Ok(target) => valid.push(Some(ValidSecret {
                key: values.key.clone(),
                group: values.group.clone(),
                target,
            })),
            Err(broken) => {
                for rule in &broken {
                    errors.push(spec_error(raw, &values, rule));
                }
                valid.push(None);
            }
        }
    }
    let declared: Vec<Option<Declared<'_>>> = valid
        .iter()
        .map(|v| {
            v.as_ref().map(|v| Declared {
                key: &v.key,
                group: v.group.as_deref(),
                target: &v.target,
            })
        })
        .collect();
    for conflict in check_task(&declared) {
        errors.push(duplicate(args, &valid, &conflict));
    }
    match errors.into_error() {
        Some(e) => Err(e),
        None => Ok(ValidTask {
            secrets: valid.into_iter().flatten().collect(),
            in_impl: args.in_impl,
            secret_paths: args.secret_paths.clone(),
            unstorable_keys,
        }),
    }
}

/// The string values of a raw secret, for `flyte_spec::Request` to borrow.
struct Values {
    key: String,
    group: Option<String>,
    mount: Option<String>,
    as_env_var: Option<String>,
}

impl Values {
    fn of(raw: &RawSecret) -> Self {
        Values {
            key: raw.key.value().to_owned(),
            group: raw.group.as_ref().map(|s| s.value().to_owned()),
            mount: raw.mount.as_ref().map(|s| s.value().to_owned()),
            as_env_var: raw.as_env_var.as_ref().map(|s| s.value().to_owned()),
        }
    }

    fn request(&self) -> Request<'_> {
        Request {
            key: &self.key,
            group: self.group.as_deref(),
            mount: self.mount.as_deref(),
            as_env_var: self.as_env_var.as_deref(),
        }
    }
}

/// The rule's own message and help (the same words the runtime uses), at the literal of the
/// field the rule is about.
fn spec_error(raw: &RawSecret, values: &Values, rule: &SpecError) -> syn::Error {
    let mut field = rule.field();
    // A derived name is blamed on the key by the spec; when only the group makes it invalid
    // (`group = "1st"`), the group's literal is the one to fix.
    if let SpecError::InvalidEnvName { derived: true, .. } = rule {
        let key_part = format!("_{}", default_env_name(&values.key, None));
        if raw.group.is_some() && is_valid_env_name(&key_part) {
            field = Field::Group;
        }
    }
    let message = match rule {
        // Python's message does not repeat the path; ours points at it and says it.
        SpecError::UnsupportedMount { mount } => format!("{rule} (got {mount:?})"),
        _ => rule.to_string(),
    };
    error(span_of(raw, field), message, rule.help())
}

fn span_of(raw: &RawSecret, field: Field) -> Span {
    let literal = match field {
        Field::Key => Some(&raw.key),
        Field::Group => raw.group.as_ref(),
        Field::Mount => raw.mount.as_ref(),
        Field::AsEnvVar => raw.as_env_var.as_ref(),
    };
    literal.unwrap_or(&raw.key).span()
}

/// Two secrets that cannot both be delivered: reported at the later one's literal that
/// decides the clash, naming the earlier one.
fn duplicate(args: &TaskArgs, valid: &[Option<ValidSecret>], conflict: &Conflict) -> syn::Error {
    let named = |i: usize| {
        valid[i]
            .as_ref()
            .map(ValidSecret::display_name)
            .unwrap_or_default()
    };
    let (first, second) = (named(conflict.first), named(conflict.second));
    let raw = &args.secrets[conflict.second];
    let target = match &conflict.clash {
        Clash::Key(key) => {
            let literal = raw.group.as_ref().unwrap_or(&raw.key);
            return error(
                literal.span(),
                format!(
                    "secret `{second}` has the key `{key}` of secret `{first}` (secret #{}); a \
                     Flyte cluster looks secrets up by key alone, not by group, so both would \
                     get the same value",
                    conflict.first + 1
                ),
                "give each secret its own key (store the values under different names)",
            );
        }
        Clash::Injected { injectors, target } => {
            // At the key: the keys differ (one key in two groups is the key rule's).
            return error(
                raw.key.span(),
                format!(
                    "secret `{second}` lands on {target} like secret `{first}` (secret #{}) \
                     under {injectors}; two secrets of one task must not land on the same env \
                     var or file",
                    conflict.first + 1
                ),
                "give one of them a key (or group) that differs in more than letter case",
            );
        }
        Clash::Target(target) => target,
    };
    let literal = match (target, &raw.as_env_var) {
        (Target::Env(_), Some(as_env_var)) => as_env_var,
        _ => &raw.key,
    };
    let message = if first == second {
        format!(
            "secret `{second}` is declared twice (first as secret #{}); two secrets of one task \
             must not land on the same env var or file",
            conflict.first + 1
        )
    } else {
        format!(
            "secret `{second}` lands on {target}, like secret `{first}` (secret #{}) before it; \
             two secrets of one task must not land on the same env var or file",
            conflict.first + 1
        )
    };
    let help = match target {
        _ if first == second => "remove one of them".to_owned(),
        Target::Env(_) => {
            "remove one, or give one of them its own name with `as_env_var = \"...\"`".to_owned()
        }
        _ => "remove one, or give one of them another key".to_owned(),
    };
    error(literal.span(), message, help)
}
