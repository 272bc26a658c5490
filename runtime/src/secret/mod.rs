//! Secret requests at run time ([`Secret`]) and secret values ([`SecretValue`]).

mod request;
mod value;

pub use request::Secret;
pub use value::SecretValue;
