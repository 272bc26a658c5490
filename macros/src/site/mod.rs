//! Whether a function sits directly inside an `impl` or trait block, read from its source
//! file. An attribute macro is given only the function, but its name's span says where the
//! function is written; the file shows what encloses it. The runner calls a task as a free
//! function, which fails with rustc's "cannot find function" when it is in fact associated;
//! so a task that takes nothing gets an error naming `in_impl` when it is inside a block, and
//! a task with parameters gets a runner only where the file shows a free function. Anything
//! unclear (no file, a macro body around it, a file this lexer does not follow) is
//! [`Site::Unknown`]: no hint for the first, no runner for the second, so a wrong answer can
//! only be a missed hint or a task left in-process only, never a broken build.

mod imports;
mod lex;
mod owner;
#[cfg(test)]
mod tests;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;

use proc_macro2::Ident;
use syn::ext::IdentExt;

pub(crate) use imports::SecretImport;
use lex::{Kind, Token};

/// The block a function is directly inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    Impl,
    Trait,
}

/// Where a function is written, as far as its source file shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// Directly in a module or a function body: a free function.
    Free,
    /// Directly inside an `impl` or trait block.
    In(Block),
    /// The file does not show it: another macro wrote the function (its name is in that
    /// macro's input or body), or there is no file to read, or one this lexer does not follow.
    Unknown,
}

/// What the source file shows of the function named `name` (its span), looked up at most
/// once per task: each lookup asks the compiler for the file and checks it for changes.
pub(crate) struct Lookup<'a> {
    name: &'a Ident,
    found: OnceCell<Option<Function>>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(name: &'a Ident) -> Self {
        Lookup {
            name,
            found: OnceCell::new(),
        }
    }

    fn get(&self) -> Option<&Function> {
        self.found.get_or_init(|| found(self.name)).as_ref()
    }

    /// Where the function is written.
    pub(crate) fn site(&self) -> Site {
        match self.get() {
            Some(Function {
                block: Some(block), ..
            }) => Site::In(*block),
            Some(_) => Site::Free,
            None => Site::Unknown,
        }
    }

    /// The block around the function, when the source shows one.
    pub(crate) fn associated(&self) -> Option<Block> {
        self.get()?.block
    }

    /// The type (of an `impl`) or trait the function is directly in.
    pub(crate) fn owner(&self) -> Option<&str> {
        self.get()?.owner.as_deref()
    }

    /// What the `use` items around the function bind to `Secret`.
    pub(crate) fn secret_import(&self) -> SecretImport {
        self.get().map_or(SecretImport::Unknown, |f| f.secret)
    }
}

fn found(name: &Ident) -> Option<Function> {
    // Outside a macro expansion (unit tests) there is no compiler to ask.
    if !proc_macro::is_available() {
        return None;
    }
    let span = name.span().unwrap();
    let file = span.local_file()?;
    let start = span.start();
    let found = functions(&file)?;
    found
        .get(&(start.line(), start.column()))
        .filter(|f| name.unraw() == f.name)
        .cloned()
}

/// A function the file shows.
#[derive(Clone, Debug)]
struct Function {
    name: String,
    /// The block it is directly in, and that block's type or trait.
    block: Option<Block>,
    owner: Option<String>,
    secret: SecretImport,
}

/// Per file: every `fn NAME` by the position of `NAME`.
type Functions = HashMap<(usize, usize), Function>;

/// A file's size and mtime when it was read, and its functions.
type Read = (u64, Option<SystemTime>, Rc<Functions>);

thread_local! {
    // One read and lex per file and build, not per task; the size and mtime tell a changed
    // file (a long-lived proc-macro server) from the one read before.
    static FILES: RefCell<HashMap<PathBuf, Read>> = RefCell::default();
}

fn functions(file: &Path) -> Option<Rc<Functions>> {
    let meta = std::fs::metadata(file).ok()?;
    let stamp = (meta.len(), meta.modified().ok());
    if let Some(found) = FILES.with_borrow(|files| {
        files
            .get(file)
            .filter(|(len, mtime, _)| (*len, *mtime) == stamp)
            .map(|(_, _, found)| found.clone())
    }) {
        return Some(found);
    }
    let source = std::fs::read_to_string(file).ok()?;
    let found = Rc::new(scan(&lex::tokens(&source)?)?);
    FILES.with_borrow_mut(|files| {
        files.insert(file.to_owned(), (stamp.0, stamp.1, found.clone()));
    });
    Some(found)
}

/// What a bracketed group holds, as far as it matters here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Impl,
    Trait,
    /// `mod name { .. }`, whose items `self::` names.
    Module,
    /// A macro's input (`m! { .. }`, `macro_rules! m { .. }`): not Rust yet, so unknown.
    Opaque,
    Other,
}

/// Every `fn NAME` with the block it is directly in and what the `use` items around it
/// bind to `Secret`; `None` when brackets do not match.
fn scan(tokens: &[Token<'_>]) -> Option<Functions> {
    // Open groups (and their number among all groups, the file being 0), and where the
    // current item's tokens began in each.
    let mut stack: Vec<(Group, usize)> = Vec::new();
    // Per open group, the type or trait of an `impl` or `trait` block.
    let mut owners: Vec<Option<String>> = Vec::new();
    let mut item_start = vec![0usize];
    // Per group, the binding of `Secret` its `use` items make; per function, its groups.
    let mut secret: Vec<Option<SecretImport>> = vec![None];
    let mut module = vec![true];
    let mut functions: Vec<((usize, usize), Function, Vec<usize>)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match &token.kind {
            Kind::Open(delimiter) => {
                let outer = stack.last().map(|(g, _)| *g);
                let (group, keyword) = if outer == Some(Group::Opaque) {
                    (Group::Opaque, i)
                } else {
                    classify(tokens, *item_start.last()?, i, *delimiter)
                };
                owners.push(match group {
                    Group::Impl | Group::Trait => {
                        owner::name(&tokens[keyword + 1..i], group == Group::Trait)
                    }
                    _ => None,
                });
                stack.push((group, secret.len()));
                secret.push(None);
                module.push(group == Group::Module);
                item_start.push(i + 1);
            }
            Kind::Close(delimiter) => {
                stack.pop()?;
                owners.pop();
                item_start.pop();
                // A brace group ends an item (`impl X {}`, `fn f() {}`); `;` below ends the rest.
                if *delimiter == '}' {
                    *item_start.last_mut()? = i + 1;
                }
            }
            Kind::Punct(';') => *item_start.last_mut()? = i + 1,
            Kind::Ident("use") => {
                let Some(attributes) = item_head(tokens, *item_start.last()?, i) else {
                    continue;
                };
                let end = (i..tokens.len()).find(|&j| tokens[j].kind == Kind::Punct(';'))?;
                if let Some(mut binding) = imports::secret_binding(&tokens[i + 1..end]) {
                    // `#[cfg(..)] use ..`: the import may not be there.
                    if attributes {
                        binding = SecretImport::Unknown;
                    }
                    let group = stack.last().map_or(0, |(_, id)| *id);
                    let slot = &mut secret[group];
                    // Two bindings in one block: only both from flyte is certain.
                    *slot = match (*slot, binding) {
                        (None, b) => Some(b),
                        (Some(SecretImport::Flyte), SecretImport::Flyte) => *slot,
                        _ => Some(SecretImport::Unknown),
                    };
                }
            }
            Kind::Ident(name) if i > 0 && matches!(tokens[i - 1].kind, Kind::Ident("fn")) => {
                let block = match stack.last() {
                    Some((Group::Impl, _)) => Some(Block::Impl),
                    Some((Group::Trait, _)) => Some(Block::Trait),
                    _ => None,
                };
                if !stack.iter().any(|(g, _)| *g == Group::Opaque) {
                    let mut groups = vec![0];
                    groups.extend(stack.iter().map(|(_, id)| *id));
                    let function = Function {
                        name: (*name).to_owned(),
                        block,
                        owner: block.and_then(|_| owners.last().cloned().flatten()),
                        secret: SecretImport::Unknown,
                    };
                    functions.push(((token.line, token.column), function, groups));
                }
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return None;
    }
    let found = functions
        .into_iter()
        .map(|(at, function, groups)| {
            let secret = SecretImport::of(&secret, &module, &groups);
            (at, Function { secret, ..function })
        })
        .collect();
    Some(found)
}

/// When the token at `at` begins its item after attributes and visibility: whether there
/// are attributes.
fn item_head(tokens: &[Token<'_>], start: usize, at: usize) -> Option<bool> {
    let (mut i, mut attributes) = (start, false);
    while i < at {
        match &tokens[i].kind {
            // `#[..]`, and `#![..]` before the file's first item (which is not the item's).
            Kind::Punct('#') => {
                i += 1;
                let inner = tokens.get(i).is_some_and(|t| t.kind == Kind::Punct('!'));
                if inner {
                    i += 1;
                }
                if !tokens.get(i).is_some_and(|t| t.kind == Kind::Open('[')) {
                    return None;
                }
                attributes |= !inner;
                i = skip_group(tokens, i);
            }
            Kind::Ident("pub") => {
                i += 1;
                if tokens.get(i).is_some_and(|t| t.kind == Kind::Open('(')) {
                    i = skip_group(tokens, i);
                }
            }
            _ => return None,
        }
    }
    (i == at).then_some(attributes)
}

/// The group opened at `open`, from the tokens of its item before it (`start..open`), and
/// where its `impl` or `trait` keyword is (else `open`).
fn classify(tokens: &[Token<'_>], start: usize, open: usize, delimiter: char) -> (Group, usize) {
    let is = |i: usize, kind: Kind<'_>| tokens.get(i).is_some_and(|t| t.kind == kind);
    // `m! {`, `m!(`, `macro_rules! m {`; also `-> ! {` and `if !x {`, which only makes a
    // function inside them unknown.
    let before = |back: usize| open.checked_sub(back).filter(|&i| i >= start);
    if before(1).is_some_and(|i| is(i, Kind::Punct('!')))
        || before(2).is_some_and(|i| is(i, Kind::Punct('!')))
    {
        return (Group::Opaque, open);
    }
    if delimiter != '{' {
        return (Group::Other, open);
    }
    // Skip attributes, visibility and qualifiers; then `impl` or `trait` must come first.
    let mut i = start;
    while i < open {
        match &tokens[i].kind {
            Kind::Punct('#') => {
                i += 1;
                if is(i, Kind::Punct('!')) {
                    i += 1;
                }
                if !is(i, Kind::Open('[')) {
                    return (Group::Other, open);
                }
                i = skip_group(tokens, i);
            }
            Kind::Ident(word) => match *word {
                "pub" => {
                    i += 1;
                    if is(i, Kind::Open('(')) {
                        i = skip_group(tokens, i);
                    }
                }
                "unsafe" | "default" | "auto" | "safe" => i += 1,
                "impl" => return (Group::Impl, i),
                "trait" => return (Group::Trait, i),
                "mod" => return (Group::Module, open),
                _ => return (Group::Other, open),
            },
            _ => return (Group::Other, open),
        }
    }
    (Group::Other, open)
}

/// The index after the group opened at `open`.
pub(super) fn skip_group(tokens: &[Token<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Open(_) => depth += 1,
            Kind::Close(_) => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}
