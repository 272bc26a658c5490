//! The value of `create secret` / `update secret`: from a flag, a file, the Docker config,
//! a hidden prompt, or stdin. Sent as bytes, as the Python CLI sends it.

use flyte::remote::{SecretData, SecretType};
use zeroize::Zeroizing;

use crate::args::{ScopeArgs, TypeArg, ValueArgs};
use crate::docker::{self, CredentialHelper, DockerEnv};
use crate::error::CliError;
use crate::input::{Input, trim_newline_bytes};

/// The Python CLI's prompt text.
pub(crate) const VALUE_PROMPT: &str = "Enter secret value";

/// Flag combinations clap cannot express. Usage errors (exit 2).
pub(crate) fn check_usage(args: &ValueArgs, scope: &ScopeArgs) -> Result<(), CliError> {
    match args.secret_type {
        TypeArg::Regular if args.from_docker_config || args.registry.is_some() => Err(CliError::Usage(
            "--from-docker-config and --registry build an image pull secret: add `--type image_pull`".into(),
        )),
        // The Python CLI's words.
        TypeArg::ImagePull if !scope.is_org_wide() => Err(CliError::Usage(
            "Project and domain must not be set when creating an image pull secret.".into(),
        )),
        _ => Ok(()),
    }
}

/// Where the environment-dependent parts come from.
pub(crate) struct Sources<'a> {
    pub input: &'a mut dyn Input,
    pub docker_env: &'a DockerEnv,
    pub helpers: &'a dyn CredentialHelper,
}

/// The value to send, and its type.
pub(crate) fn resolve(
    name: &str,
    args: &ValueArgs,
    src: Sources<'_>,
) -> Result<(SecretData, SecretType), CliError> {
    let bytes = read(name, args, src)?;
    Ok((SecretData::Bytes(bytes), args.secret_type.into()))
}

/// The value's bytes. An empty value given explicitly (`--value ""`, an empty file, empty
/// piped stdin) is stored, as the Python CLI and a Kubernetes Secret do; only an empty answer
/// at the prompt is refused, as it is most likely Enter pressed too early.
fn read(name: &str, args: &ValueArgs, src: Sources<'_>) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let Sources {
        input,
        docker_env,
        helpers,
    } = src;
    if let Some(v) = &args.value {
        return Ok(Zeroizing::new(v.as_bytes().to_vec()));
    }
    if let Some(path) = &args.from_file {
        // Read as a stream: a pipe or a device has no length to go by.
        let mut bytes = Zeroizing::new(Vec::new());
        std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
            .map_err(|source| CliError::input(format!("--from-file {}", path.display()), source))?;
        return Ok(bytes);
    }
    if args.secret_type == TypeArg::ImagePull {
        let json = if args.from_docker_config {
            let registries: Option<Vec<String>> = args
                .registries
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| r.split(',').map(|s| s.trim().to_owned()).collect());
            docker::from_docker_config(
                registries.as_deref(),
                args.docker_config_path.as_deref(),
                docker_env,
                helpers,
            )
            .map_err(CliError::Docker)?
        } else {
            let mut ask = Asker {
                input,
                secret: name,
                piped: [
                    (args.registry.is_none(), "the registry", "--registry"),
                    (args.username.is_none(), "the username", "--username"),
                    (args.password.is_none(), "the password", "--password"),
                ]
                .into_iter()
                .filter(|(asked, ..)| *asked)
                .map(|(_, what, flag)| (what, flag))
                .collect(),
            };
            let registry = match &args.registry {
                Some(r) => r.clone(),
                None => ask
                    .visible("Registry (e.g., ghcr.io, docker.io)", "the registry")?
                    .to_string(),
            };
            let username = match &args.username {
                Some(u) => u.clone(),
                None => ask.visible("Username", "the username")?.to_string(),
            };
            let password = match &args.password {
                Some(p) => Zeroizing::new(p.clone()),
                None => ask.hidden("Password", "the password")?,
            };
            docker::from_credentials(&registry, &username, &password)
        };
        return Ok(Zeroizing::new(json.as_bytes().to_vec()));
    }
    if input.interactive() {
        let v = input
            .hidden(VALUE_PROMPT)
            .map_err(|source| CliError::input("the value from the terminal", source))?;
        if v.is_empty() {
            return Err(CliError::EmptyPrompt {
                secret: name.to_owned(),
            });
        }
        return Ok(Zeroizing::new(v.as_bytes().to_vec()));
    }
    let all = input
        .read_all()
        .map_err(|source| CliError::input("the value from stdin", source))?;
    Ok(trim_newline_bytes(all))
}

/// Prompts on a terminal, or reads one line of piped stdin per field.
struct Asker<'a> {
    input: &'a mut dyn Input,
    secret: &'a str,
    /// The fields not given as flags (what, flag), in the order they are asked for.
    piped: Vec<(&'static str, &'static str)>,
}

impl Asker<'_> {
    fn visible(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>, CliError> {
        if self.input.interactive() {
            let v = self
                .input
                .visible(prompt)
                .map_err(|source| self.err(what, source))?;
            return Ok(Zeroizing::new(v));
        }
        self.line(what)
    }

    fn hidden(&mut self, prompt: &str, what: &str) -> Result<Zeroizing<String>, CliError> {
        if self.input.interactive() {
            return self
                .input
                .hidden(prompt)
                .map_err(|source| self.err(what, source));
        }
        self.line(what)
    }

    fn line(&mut self, what: &str) -> Result<Zeroizing<String>, CliError> {
        match self
            .input
            .read_line()
            .map_err(|source| self.err(what, source))?
        {
            Some(l) => Ok(l),
            None => Err(CliError::NoValue {
                secret: self.secret.to_owned(),
                problem: format!("stdin is not a terminal and ended before {what}"),
                hint: self.piped_hint(),
            }),
        }
    }

    /// What works for an image pull secret: --value and --from-file do not go with it.
    fn piped_hint(&self) -> String {
        let join = |words: Vec<&str>| match words.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        let whats = join(self.piped.iter().map(|(what, _)| *what).collect());
        let flags = join(self.piped.iter().map(|(_, flag)| *flag).collect());
        let lines = if self.piped.len() > 1 {
            ", one line each"
        } else {
            ""
        };
        let mut hint = format!("pipe {whats} on stdin{lines}, or pass {flags}");
        if self.piped.iter().any(|(_, flag)| *flag == "--password") {
            hint.push_str(" (a --password shows in `ps` and shell history: prefer stdin)");
        }
        hint
    }

    fn err(&self, what: &str, source: std::io::Error) -> CliError {
        CliError::input(what, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Scripted;

    struct NoHelper;
    impl CredentialHelper for NoHelper {
        fn get(&self, _: &str, _: &str) -> Option<(String, Zeroizing<String>)> {
            None
        }
    }

    fn run(args: &ValueArgs, input: &mut Scripted) -> Result<(Vec<u8>, SecretType), CliError> {
        let env = DockerEnv::default();
        let (data, ty) = resolve(
            "s",
            args,
            Sources {
                input,
                docker_env: &env,
                helpers: &NoHelper,
            },
        )?;
        let SecretData::Bytes(b) = data else {
            panic!("values are sent as bytes")
        };
        Ok((b.to_vec(), ty))
    }

    #[test]
    fn prompt_reads_the_terminal_and_never_echoes() {
        let mut input = Scripted::new(true, "hunter2-prompted\nignored\n");
        let (v, ty) = run(&ValueArgs::default(), &mut input).unwrap();
        assert_eq!(v, b"hunter2-prompted");
        assert_eq!(ty, SecretType::Regular);
        assert_eq!(input.shown(), "Enter secret value: ");
    }

    #[test]
    fn piped_stdin_keeps_inner_newlines_and_drops_one_final() {
        let mut input = Scripted::new(false, "line1\nline2\n");
        assert_eq!(
            run(&ValueArgs::default(), &mut input).unwrap().0,
            b"line1\nline2"
        );
        assert_eq!(input.shown(), "", "no prompt when piped");
        let mut empty = Scripted::new(false, "\n");
        assert_eq!(run(&ValueArgs::default(), &mut empty).unwrap().0, b"");
    }

    #[test]
    fn ctrl_c_at_the_prompt_aborts() {
        let mut input = Scripted::new(true, "half\x03");
        let err = run(&ValueArgs::default(), &mut input).unwrap_err();
        assert!(matches!(err, CliError::Aborted), "{err}");
        assert_eq!(err.exit_code(), 130);
    }

    #[test]
    fn an_empty_answer_at_the_prompt_is_refused_with_the_way_to_store_one() {
        let mut input = Scripted::new(true, "\n");
        let err = run(&ValueArgs::default(), &mut input).unwrap_err();
        assert!(matches!(err, CliError::EmptyPrompt { .. }), "{err}");
        assert!(err.hint().unwrap().contains("--value ''"), "{err}");
    }

    #[test]
    fn image_pull_prompts_in_python_order() {
        let args = ValueArgs {
            secret_type: TypeArg::ImagePull,
            ..Default::default()
        };
        let mut input = Scripted::new(true, "ghcr.io\nme\npw-prompted\n");
        let (v, ty) = run(&args, &mut input).unwrap();
        assert_eq!(ty, SecretType::ImagePull);
        assert_eq!(
            v,
            br#"{"auths": {"ghcr.io": {"auth": "bWU6cHctcHJvbXB0ZWQ="}}}"#
        );
        assert_eq!(
            input.shown(),
            "Registry (e.g., ghcr.io, docker.io): Username: Password: "
        );
        let args = ValueArgs {
            registry: Some("r.io".into()),
            ..args
        };
        let mut piped = Scripted::new(false, "");
        let err = run(&args, &mut piped).unwrap_err();
        assert!(
            err.to_string().contains("ended before the username"),
            "{err}"
        );
    }

    #[test]
    fn password_flag_is_not_asked_for_and_the_hint_names_what_works() {
        let args = ValueArgs {
            secret_type: TypeArg::ImagePull,
            registry: Some("ghcr.io".into()),
            username: Some("me".into()),
            password: Some("pw-flag".into()),
            ..Default::default()
        };
        let mut input = Scripted::new(true, "");
        let (v, _) = run(&args, &mut input).unwrap();
        assert_eq!(
            v,
            br#"{"auths": {"ghcr.io": {"auth": "bWU6cHctZmxhZw=="}}}"#
        );
        assert_eq!(input.shown(), "", "nothing asked");

        let hint = |args: &ValueArgs| {
            let err = run(args, &mut Scripted::new(false, "")).unwrap_err();
            assert!(matches!(err, CliError::NoValue { .. }), "{err}");
            err.hint().unwrap()
        };
        let no_password = ValueArgs {
            password: None,
            ..args.clone()
        };
        assert_eq!(
            hint(&no_password),
            "pipe the password on stdin, or pass --password (a --password shows in `ps` and \
             shell history: prefer stdin)"
        );
        let only_password = ValueArgs {
            registry: None,
            username: None,
            ..args
        };
        assert_eq!(
            hint(&only_password),
            "pipe the registry and the username on stdin, one line each, or pass --registry \
             and --username"
        );
    }

    #[test]
    fn usage_rules() {
        let scope = ScopeArgs {
            project: Some("p".into()),
            domain: None,
        };
        let pull = ValueArgs {
            secret_type: TypeArg::ImagePull,
            ..Default::default()
        };
        assert!(matches!(
            check_usage(&pull, &scope),
            Err(CliError::Usage(_))
        ));
        assert!(check_usage(&pull, &ScopeArgs::default()).is_ok());
        let regular_docker = ValueArgs {
            from_docker_config: true,
            ..Default::default()
        };
        assert!(matches!(
            check_usage(&regular_docker, &ScopeArgs::default()),
            Err(CliError::Usage(_))
        ));
    }
}
