//! The page and its scripts. The front end (the `divtrace` binary)
//! compiles them in with `include_bytes!` and hands the table over, so the
//! workspace runs offline and loads nothing from anywhere but this server
//! (and a change to the page rebuilds the binary, not the library).

/// One embedded file: the path it is served at, its content type, its bytes.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

pub fn find(assets: &[Asset], path: &str) -> Option<(&'static str, &'static [u8])> {
    assets.iter().find(|a| a.path == path).map(|a| (a.content_type, a.bytes))
}
