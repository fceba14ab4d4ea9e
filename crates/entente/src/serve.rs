//! `entente serve`: the web UI and the HTTP JSON API over a database. The
//! server itself lives in `entente-web`; this glue hands it the pipeline
//! steps it does not own (building the knowledge base, ingesting uploads).

use anyhow::Context;
use entente::ingest::{ingest_bytes, IngestError, IngestOptions};
use entente_store::Store;
use entente_web::{App, HookError, Hooks, Options};
use std::net::SocketAddr;

/// The hooks `entente-web` needs, from this crate's pipeline. Uploads are
/// accepted only when `writable`.
pub fn hooks(writable: bool) -> Hooks {
    let ingest: Option<Box<entente_web::IngestFn>> = writable.then(|| {
        Box::new(|store: &mut Store, path: &str, bytes: &[u8]| {
            let mut ignore = |_: entente::ingest::Event<'_>| {};
            match ingest_bytes(
                store,
                &[(path, bytes)],
                &IngestOptions::default(),
                &mut ignore,
            ) {
                Ok(summary) => Ok(serde_json::to_value(&summary)?),
                Err(IngestError::Partial { failures, .. }) => Err(HookError::from(
                    failures
                        .into_iter()
                        .map(|f| f.message)
                        .collect::<Vec<_>>()
                        .join("; "),
                )),
                Err(e) => Err(HookError::from(e)),
            }
        }) as Box<entente_web::IngestFn>
    });
    Hooks {
        load: Box::new(|store| entente::query::load_kb(store).map_err(HookError::from)),
        ingest,
    }
}

/// Opens the store, builds the knowledge base and serves until Ctrl-C.
pub fn run(store: Store, addr: SocketAddr, writable: bool) -> anyhow::Result<()> {
    let options = Options {
        writable,
        ..Options::default()
    };
    let app = App::new(store, hooks(writable), options).context("preparing the server")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        eprintln!(
            "serving on http://{}/ ({})",
            listener.local_addr().unwrap_or(addr),
            if writable { "writable" } else { "read-only" }
        );
        entente_web::serve(listener, app)
            .await
            .context("serving HTTP")
    })
}
