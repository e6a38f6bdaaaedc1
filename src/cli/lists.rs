//! The screening-list flags, shared by `screen`, `assess` and `investigate`
//! (like the route query flags of `query`), and their translation into the
//! application layer's [`Lists`].

use std::path::PathBuf;

use divtrace::app::screen::Lists;
use divtrace::resolve::screen::DEFAULT_THRESHOLD;
use divtrace::{Error, Result};

/// The screening-list flags, the same on `screen`, `assess` and `investigate`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ListArgs {
    /// US Consolidated Screening List CSV (trade.gov layout); repeatable
    #[arg(long = "csl", value_name = "FILE")]
    pub csl: Vec<PathBuf>,
    /// OFAC legacy sdn.csv
    #[arg(long = "sdn", value_name = "FILE")]
    pub sdn: Option<PathBuf>,
    /// OFAC legacy add.csv (addresses) for --sdn
    #[arg(long = "sdn-add", value_name = "FILE", requires = "sdn")]
    pub sdn_add: Option<PathBuf>,
    /// OFAC legacy alt.csv (aliases) for --sdn
    #[arg(long = "sdn-alt", value_name = "FILE", requires = "sdn")]
    pub sdn_alt: Option<PathBuf>,
    /// OpenSanctions / FollowTheMoney JSON lines; repeatable
    #[arg(long = "ftm", value_name = "FILE")]
    pub ftm: Vec<PathBuf>,
    /// Score from which a match is accepted (0 to 1)
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,
}

impl ListArgs {
    /// Whether any list was given.
    pub fn any(&self) -> bool {
        !self.csl.is_empty() || self.sdn.is_some() || !self.ftm.is_empty()
    }

    /// The list files, the threshold checked.
    pub fn lists(&self) -> Result<Lists> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(Error::usage("--threshold", format!("expected a score above 0 and at most 1, got {}", self.threshold)));
        }
        Ok(Lists {
            csl: self.csl.clone(),
            sdn: self.sdn.clone(),
            sdn_add: self.sdn_add.clone(),
            sdn_alt: self.sdn_alt.clone(),
            ftm: self.ftm.clone(),
        })
    }
}
