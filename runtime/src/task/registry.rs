//! Where `#[task]` registers its tasks, for `BIN list` and `BIN run`: each task's
//! [`TaskDef`] is itself a `#[used]` static in the link section `flyte_tasks`, which the
//! linker gathers from every linked crate; [`entries`] reads the section between its start
//! and stop symbols. This is the technique of the `linkme` crate, kept here because a task
//! then costs rustc one static and no attribute macro (a crate of many tasks stays quick to
//! check), and nothing runs per task at start. ELF and Mach-O targets use the section
//! (`flyte_link_section`, set by build.rs); other targets keep `inventory`.

use super::def::TaskDef;

/// Every task registered in this binary, sorted by name.
pub fn registered() -> Vec<&'static TaskDef> {
    let mut tasks: Vec<_> = entries().collect();
    tasks.sort_by_key(|t| (t.name, t.module_path));
    tasks
}

#[cfg(flyte_link_section)]
mod section {
    use super::TaskDef;

    // `task!`, whose static is placed in the section. The target is chosen here, once, not
    // by a `cfg_attr` in every task's expansion, which rustc would evaluate per task.
    #[cfg(not(target_vendor = "apple"))]
    super::super::expansion::define_task!($
        [#[used] #[unsafe(link_section = "flyte_tasks")]]
        []
    );
    #[cfg(target_vendor = "apple")]
    super::super::expansion::define_task!($
        [#[used] #[unsafe(link_section = "__DATA,__flytetasks,regular,no_dead_strip")]]
        []
    );

    /// No entry at all, so that the section, and with it its start and stop symbols, exist
    /// in a binary without tasks.
    #[used]
    #[cfg_attr(not(target_vendor = "apple"), unsafe(link_section = "flyte_tasks"))]
    #[cfg_attr(
        target_vendor = "apple",
        unsafe(link_section = "__DATA,__flytetasks,regular,no_dead_strip")
    )]
    #[allow(unsafe_code)] // the section attribute: every writer of the section is above
    static NONE: [TaskDef; 0] = [];

    #[allow(unsafe_code)]
    mod bounds {
        use super::TaskDef;

        unsafe extern "Rust" {
            #[cfg_attr(not(target_vendor = "apple"), link_name = "__start_flyte_tasks")]
            #[cfg_attr(
                target_vendor = "apple",
                link_name = "\u{1}section$start$__DATA$__flytetasks"
            )]
            static START: TaskDef;
            #[cfg_attr(not(target_vendor = "apple"), link_name = "__stop_flyte_tasks")]
            #[cfg_attr(
                target_vendor = "apple",
                link_name = "\u{1}section$end$__DATA$__flytetasks"
            )]
            static STOP: TaskDef;
        }

        pub(in super::super) fn entries() -> &'static [TaskDef] {
            // SAFETY: the linker lays out the section `flyte_tasks` as the concatenation of
            // its statics, and its start and stop symbols bound it. Its only statics are
            // `TaskDef`s (from `task!`) and the empty `NONE`, all of one
            // size and alignment, so there is no padding between them and the range holds
            // `stop - start` initialised entries. They are immutable statics, alive for the
            // whole program, so the slice may be `'static`. Nothing else is placed in the
            // section: its name is this crate's own and only `task!` and `NONE` name it.
            // `offset_from` between the two symbols treats the section as one allocation,
            // which it is to the linker (the `linkme` crate relies on the same).
            unsafe {
                let start = &raw const START;
                let stop = &raw const STOP;
                let len = stop.offset_from(start);
                std::slice::from_raw_parts(start, usize::try_from(len).unwrap_or(0))
            }
        }
    }

    pub(super) fn entries() -> impl Iterator<Item = &'static TaskDef> {
        bounds::entries().iter()
    }
}

#[cfg(not(flyte_link_section))]
mod section {
    use super::TaskDef;

    // `task!`, whose static is registered with `inventory`.
    super::super::expansion::define_task!($
        []
        [
            $crate::__private::inventory::submit! {
                $crate::__private::TaskEntry(&__FLYTE_TASK)
            }
        ]
    );

    /// A task's entry in `inventory`.
    #[doc(hidden)]
    #[derive(Debug)]
    pub struct TaskEntry(pub &'static TaskDef);

    inventory::collect!(TaskEntry);

    pub(super) fn entries() -> impl Iterator<Item = &'static TaskDef> {
        inventory::iter::<TaskEntry>.into_iter().map(|e| e.0)
    }
}

#[cfg(not(flyte_link_section))]
pub use section::TaskEntry;

/// Every task linked into this binary, in no particular order.
pub(crate) fn entries() -> impl Iterator<Item = &'static TaskDef> {
    section::entries()
}

#[cfg(test)]
mod tests {
    /// This crate's own test binary declares no task: the section exists anyway (the link
    /// succeeds) and holds nothing. Binaries with tasks are covered by `BIN list` tests.
    #[test]
    fn a_binary_without_tasks_has_an_empty_registry() {
        assert_eq!(super::entries().count(), 0);
        assert!(crate::task::registered().is_empty());
    }
}
