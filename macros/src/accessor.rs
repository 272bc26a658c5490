//! The typed accessor check: `flyte::secret!("key")` (or `secret!("key", group = "g")`) in
//! a task's body must name a secret the task declares. The body is scanned as tokens,
//! nested blocks, closures and async blocks included; a key that is not a literal is left
//! to the run-time check.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::LitStr;

use crate::diag::{Errors, error};
use crate::parse::tokens::string_literal;
use crate::validate::ValidTask;

/// One `secret!(...)` with a literal key.
pub(crate) struct Use {
    pub key: LitStr,
    pub group: Option<LitStr>,
}

/// Every `...secret!("key" [, group = "g"])` in `body`.
pub(crate) fn scan(body: &TokenStream) -> Vec<Use> {
    let mut found = Vec::new();
    scan_into(body, &mut found);
    found
}

fn scan_into(tokens: &TokenStream, found: &mut Vec<Use>) {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "secret" => {
                if let [TokenTree::Punct(bang), TokenTree::Group(args), ..] = &trees[i + 1..]
                    && bang.as_char() == '!'
                    && args.delimiter() != Delimiter::None
                {
                    found.extend(arguments(&args.stream()));
                }
            }
            TokenTree::Group(group) => scan_into(&group.stream(), found),
            _ => {}
        }
    }
}

/// `"key"` or `"key", group = "g"` (trailing comma allowed); anything else is not checked.
fn arguments(args: &TokenStream) -> Option<Use> {
    let trees: Vec<TokenTree> = args.clone().into_iter().collect();
    let (first, rest) = trees.split_first()?;
    let key = string_literal(std::slice::from_ref(first)).ok()?;
    let rest = match rest {
        [TokenTree::Punct(comma), rest @ ..] if comma.as_char() == ',' => rest,
        rest => rest,
    };
    let group = match rest {
        [] => None,
        [
            TokenTree::Ident(name),
            TokenTree::Punct(eq),
            value,
            tail @ ..,
        ] if name == "group" && eq.as_char() == '=' && eq.spacing() == Spacing::Alone => {
            let trailing_comma_only = matches!(tail, [] | [TokenTree::Punct(_)]);
            if !trailing_comma_only {
                return None;
            }
            Some(string_literal(std::slice::from_ref(value)).ok()?)
        }
        _ => return None,
    };
    Some(Use { key, group })
}

/// An error at each use of a secret the task does not declare.
pub(crate) fn check(task_name: &str, task: &ValidTask, uses: &[Use], errors: &mut Errors) {
    for used in uses {
        let key = used.key.value();
        let group = used.group.as_ref().map(LitStr::value);
        let declared = task
            .secrets
            .iter()
            .any(|s| s.key == key && (group.is_none() || s.group.as_deref() == group.as_deref()));
        if declared {
            continue;
        }
        // Blame the group when the key alone is declared (under another group).
        let key_declared = task.secrets.iter().any(|s| s.key == key);
        let literal = match &used.group {
            Some(group) if key_declared => group,
            _ => &used.key,
        };
        let name = match &group {
            Some(group) => format!("{group}/{key}"),
            None => key,
        };
        let names: Vec<String> = task.secrets.iter().map(|s| s.display_name()).collect();
        let declared = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        };
        errors.push(error(
            literal.span(),
            format!("task `{task_name}` does not declare secret `{name}` (declared: {declared})"),
            "add it to #[task(secrets = ...)]",
        ));
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn keys(body: TokenStream) -> Vec<(String, Option<String>)> {
        scan(&body)
            .iter()
            .map(|u| (u.key.value(), u.group.as_ref().map(LitStr::value)))
            .collect()
    }

    #[test]
    fn finds_uses_in_nested_code() {
        let body = quote! {
            let a = flyte::secret!("a")?;
            let b = ::flyte::secret!("b", group = "g");
            let c = || secret!["c",];
            let d = async move { if true { secret!{"d", group = "h",} } };
            vec![(), std::convert::identity(flyte::secret!("e"))];
        };
        let expected = [
            ("a", None),
            ("b", Some("g")),
            ("c", None),
            ("d", Some("h")),
            ("e", None),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(k, g)| (k.to_string(), g.map(str::to_owned)))
            .collect();
        assert_eq!(keys(body), expected);
    }

    #[test]
    fn ignores_what_it_cannot_check() {
        let body = quote! {
            let name = "x";
            flyte::secret!(name);
            flyte::secret!("k", group = name);
            flyte::secret!("k", other = "x");
            my_secret!("k");
            self.secret("k");
            macro_rules! secret { ($k:expr) => { $k } }
            let secret = 1;
        };
        assert_eq!(keys(body), vec![]);
    }
}
