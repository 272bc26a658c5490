//! The conformance suite: the same tests against every store, which differ only in setup.
//! A store's module runs it with `conformance_suite!(setup_fn, #[needs(..)]..)`, which
//! expands to one `#[tokio::test]` per test below, each on a fresh store from `setup_fn`.

pub(crate) mod pagination;
pub(crate) mod rpcs;
pub(crate) mod scopes;

/// One test per conformance test, for the store `$setup().await` makes.
macro_rules! conformance_suite {
    ($setup:path $(, #[$attr:meta])* $(,)?) => {
        $crate::stores::conformance::conformance_suite!(@each $setup, [$(#[$attr])*]
            rpcs::every_rpc_round_trips,
            rpcs::not_found_and_already_exists,
            rpcs::concurrent_creates_of_one_name_exactly_one_wins,
            rpcs::binary_and_unicode_values_round_trip,
            rpcs::values_up_to_the_size_limit_are_kept_whole,
            rpcs::injection_falls_back_to_the_organization,
            rpcs::secrets_outlive_the_server,
            rpcs::replicas_see_each_others_writes_at_once,
            pagination::pages_follow_tokens_to_an_empty_token,
            pagination::empty_last_page_when_the_rest_was_deleted_meanwhile,
            pagination::the_page_size_is_capped,
            pagination::tokens_are_bound_to_their_scope,
            pagination::concurrent_inserts_and_deletes_never_skip_or_repeat_stable_items,
            pagination::names_are_listed_in_byte_order,
            scopes::scopes_are_isolated,
            scopes::the_organization_is_whatever_the_client_sends,
            scopes::image_pull_secrets_are_organization_wide_only,
        );
    };
    (@each $setup:path, $attrs:tt $($module:ident :: $test:ident),* $(,)?) => {$(
        $crate::stores::conformance::conformance_suite!(@one $setup, $attrs $module :: $test);
    )*};
    (@one $setup:path, [$($attr:tt)*] $module:ident :: $test:ident) => {
        $($attr)*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            let store = $setup().await;
            $crate::stores::conformance::$module::$test(&store).await;
        }
    };
}
pub(crate) use conformance_suite;
