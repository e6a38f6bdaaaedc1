//! Rendering a DOT file with Graphviz's `dot`, when it is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// Output formats `dot` renders to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenderFormat {
    Svg,
    Png,
    Pdf,
}

impl RenderFormat {
    pub fn ext(self) -> &'static str {
        match self {
            RenderFormat::Svg => "svg",
            RenderFormat::Png => "png",
            RenderFormat::Pdf => "pdf",
        }
    }
}

/// How to get Graphviz, said when `dot` is missing.
pub const INSTALL_HINT: &str =
    "Graphviz's `dot` is not installed; install it (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`, Windows: `winget install graphviz`) and render the DOT file with `dot -Tsvg FILE.dot -o FILE.svg`";

/// Whether `dot` can be run.
pub fn dot_available() -> bool {
    Command::new("dot").arg("-V").output().is_ok()
}

/// Renders `dot_file` to `format` beside it (same stem); returns the output path.
/// `layout` is `dot` normally, or `sfdp` for graphs too large for `dot`.
///
/// # Errors
/// When Graphviz is missing (with how to install it) or `dot` reports a problem.
pub fn render(dot_file: &Path, format: RenderFormat, layout: &str) -> Result<PathBuf> {
    let out = dot_file.with_extension(format.ext());
    // Graphviz writes a temporary file beside the output; only a complete render is renamed into place.
    let file = crate::atomic::AtomicFile::create(&out)?;
    render_to(dot_file, file.temp_path(), format, layout)?;
    file.commit()?;
    Ok(out)
}

/// Renders `dot_file` into `out` exactly (no rename); see [`render`].
pub fn render_to(dot_file: &Path, out: &Path, format: RenderFormat, layout: &str) -> Result<()> {
    let result =
        Command::new("dot").arg(format!("-K{layout}")).arg(format!("-T{}", format.ext())).arg(dot_file).arg("-o").arg(out).output();
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Error::Other(format!("{INSTALL_HINT}. The DOT file was written to {}", dot_file.display())))
        }
        Err(e) => Err(Error::io("dot", e)),
        Ok(o) => {
            let complaints = graphviz_complaints(&String::from_utf8_lossy(&o.stderr));
            if o.status.success() && complaints.is_empty() {
                Ok(())
            } else {
                Err(Error::Other(format!("Graphviz could not render {}: {}", dot_file.display(), complaints.trim())))
            }
        }
    }
}

/// What `dot` said about the diagram: its stderr without fontconfig's lines.
/// Any warning about the diagram fails the render (an exhibit drawn with a
/// dropped attribute is not the exhibit), but fontconfig complains on stderr
/// when the user has no writable font cache (a read-only home, a service
/// account) and still renders the same bytes; that is the machine, not the case.
fn graphviz_complaints(stderr: &str) -> String {
    stderr.lines().filter(|l| !l.starts_with("Fontconfig ")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::graphviz_complaints;

    #[test]
    fn fontconfig_noise_is_not_a_complaint_but_a_warning_is() {
        let noise = "Fontconfig error: No writable cache directories\nFontconfig error: No writable cache directories\n";
        assert_eq!(graphviz_complaints(noise), "");
        let warn = "Fontconfig error: No writable cache directories\nWarning: node n1, port p unrecognized\n";
        assert_eq!(graphviz_complaints(warn), "Warning: node n1, port p unrecognized");
        assert_eq!(graphviz_complaints(""), "");
    }
}
