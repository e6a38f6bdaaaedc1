//! The library's settings ([`divtrace::error::Field`]) as this command
//! line's flags: the one place that knows which flag sets which setting
//! (route query fields are mapped in `query.rs`).

use divtrace::error::Field;
use divtrace::Error;

/// The flag that sets `field`.
pub fn flag(field: Field) -> &'static str {
    match field {
        Field::ScreeningLists => "--csl/--sdn/--ftm",
        Field::Entity => "--entity",
        Field::ReadOnly => "--read-only",
        Field::PartRows => "--part-rows",
        Field::Scope => "--scope",
        Field::Note => "--note",
    }
}

/// A setting's error in the library's terms as a usage error naming the flags.
pub fn in_flags(e: Error) -> Error {
    match e {
        Error::Field(f) => Error::usage(flag(f.field), f.message_with(flag)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use divtrace::error::FieldError;

    #[test]
    fn a_setting_error_names_its_flag_also_where_the_message_mentions_it() {
        let e = FieldError::new(Field::ReadOnly, "resolve changes the case file; leave out ").mention(Field::ReadOnly, "");
        assert_eq!(in_flags(e.into()).to_string(), "--read-only: resolve changes the case file; leave out --read-only");
        assert_eq!(in_flags(Error::field(Field::PartRows, "must be at least 1")).to_string(), "--part-rows: must be at least 1");
        assert_eq!(in_flags(Error::usage("--port", "x")).to_string(), "--port: x");
    }
}
