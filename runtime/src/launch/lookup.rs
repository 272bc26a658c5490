//! Finding a task by what the user typed: its name, its path below the crate root
//! (`mod_a::same_name`) or its full module path (`my_crate::mod_a::same_name`). The one rule
//! `BIN run`, `flyte run` and `flyte check` use.

use std::fmt;

use super::describe::{TaskInfo, TaskList};

/// Why no single task matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskLookupError {
    /// No task has that name or path; `known` is every task, as [`TaskList::shown_name`].
    NotFound {
        /// What the user typed.
        query: String,
        /// Every task of the binary, as [`TaskList::shown_name`] names it.
        known: Vec<String>,
    },
    /// Several tasks have that short name; `candidates` are their paths.
    Ambiguous {
        /// What the user typed: a name without `::`.
        query: String,
        /// The paths of the tasks of that name, each of which `BIN run` takes.
        candidates: Vec<String>,
    },
}

impl fmt::Display for TaskLookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskLookupError::NotFound { query, known } => {
                let known = if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                };
                write!(f, "no task `{query}` (tasks: {known})")
            }
            TaskLookupError::Ambiguous { query, candidates } => write!(
                f,
                "task name `{query}` is ambiguous: name one by its path ({})",
                candidates.join(", ")
            ),
        }
    }
}

impl std::error::Error for TaskLookupError {}

impl TaskInfo {
    /// `module::name`, e.g. `my_crate::mod_a::same_name` (what the `path` field holds in a
    /// list this crate printed; worked out here, so an older list or a wrong field is moot).
    pub fn full_path(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }

    /// The path below the crate root, e.g. `mod_a::same_name`; the name for a root task.
    pub fn crate_path(&self) -> String {
        match self.module.split_once("::") {
            Some((_, below)) => format!("{below}::{}", self.name),
            None => self.name.clone(),
        }
    }
}

impl TaskList {
    /// The one task `query` names: a name without `::` matches by name, else by full path or
    /// path below the crate root. A name two tasks share matches neither.
    pub fn find(&self, query: &str) -> Result<&TaskInfo, TaskLookupError> {
        let matches: Vec<&TaskInfo> = if query.contains("::") {
            let q = query.strip_prefix("crate::").unwrap_or(query);
            self.tasks
                .iter()
                .filter(|t| t.full_path() == query || t.crate_path() == q)
                .collect()
        } else {
            self.tasks.iter().filter(|t| t.name == query).collect()
        };
        match matches.as_slice() {
            [one] => Ok(one),
            [] => Err(TaskLookupError::NotFound {
                query: query.to_owned(),
                known: self.tasks.iter().map(|t| self.shown_name(t)).collect(),
            }),
            many => Err(TaskLookupError::Ambiguous {
                query: query.to_owned(),
                candidates: many.iter().map(|t| self.shown_name(t)).collect(),
            }),
        }
    }

    fn shares_name(&self, task: &TaskInfo) -> bool {
        self.tasks.iter().filter(|t| t.name == task.name).count() > 1
    }

    /// How to name `task` to a person: its name when no other task has it, else its path
    /// below the crate root (the full path for a task at the root).
    pub fn shown_name(&self, task: &TaskInfo) -> String {
        if !self.shares_name(task) {
            return task.name.clone();
        }
        match task.crate_path() {
            p if p.contains("::") => p,
            _ => task.full_path(),
        }
    }

    /// The argument to `BIN run` for `task`: its name when no other task has it (binaries
    /// built before paths were accepted still run it), else its full path.
    pub fn run_name(&self, task: &TaskInfo) -> String {
        if self.shares_name(task) {
            task.full_path()
        } else {
            task.name.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(module: &str, name: &str) -> TaskInfo {
        TaskInfo {
            name: name.into(),
            module: module.into(),
            path: String::new(),
            runnable: true,
            why_not_runnable: None,
            inputs: vec![],
            output: String::new(),
            secrets: vec![],
            security_context: Default::default(),
        }
    }

    fn list() -> TaskList {
        TaskList {
            tasks: vec![
                task("krate", "same"),
                task("krate::a", "same"),
                task("krate::b", "same"),
                task("krate::b", "only"),
            ],
        }
    }

    #[test]
    fn finds_by_name_crate_path_or_full_path() {
        let l = list();
        assert_eq!(l.find("only").unwrap().module, "krate::b");
        assert_eq!(l.find("a::same").unwrap().module, "krate::a");
        assert_eq!(l.find("crate::a::same").unwrap().module, "krate::a");
        assert_eq!(l.find("krate::b::same").unwrap().module, "krate::b");
        assert_eq!(l.find("krate::same").unwrap().module, "krate");
        assert_eq!(l.run_name(&l.tasks[1]), "krate::a::same");
        assert_eq!(l.run_name(&l.tasks[3]), "only");
    }

    #[test]
    fn a_shared_name_is_ambiguous_and_lists_paths() {
        let err = list().find("same").unwrap_err();
        assert_eq!(
            err,
            TaskLookupError::Ambiguous {
                query: "same".into(),
                candidates: vec!["krate::same".into(), "a::same".into(), "b::same".into()],
            }
        );
        let err = list().find("c::same").unwrap_err().to_string();
        assert!(
            err.contains("no task `c::same`") && err.contains("a::same, b::same, only"),
            "{err}"
        );
    }
}
