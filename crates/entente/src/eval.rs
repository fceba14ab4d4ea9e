//! `entente eval mentions`: recall of the recogniser against the inline TEI
//! tags. (Stub: owned by the recognition work.)

use std::io::Write;
use std::path::PathBuf;

pub fn eval_mentions(paths: &[PathBuf], json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let _ = (paths, json, out);
    anyhow::bail!("eval mentions is not built yet")
}
