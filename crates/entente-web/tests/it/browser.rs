//! The pages in a real browser: headless Chromium over WebDriver. Needs
//! `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`), so it is ignored by default; `.ci/run` installs them
//! and runs it. Screenshots go to `target/screenshots/`.

use crate::util::fixture;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Kills chromedriver however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Polls `f` until it gives `Some`, for up to ten seconds.
async fn until<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..100 {
        if let Some(v) = f().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn text_of(d: &WebDriver, css: &str) -> Option<String> {
    d.find(By::Css(css)).await.ok()?.text().await.ok()
}

/// The id of the highlighted sentence, whether it is in view, and its text.
async fn highlighted(d: &WebDriver) -> Option<(String, bool, String)> {
    let r = d
        .execute(
            "var e=document.querySelector('.claim.hl'); if(!e) return null;
             var r=e.getBoundingClientRect();
             return [e.id, r.bottom>0 && r.top<window.innerHeight, e.textContent];",
            Vec::new(),
        )
        .await
        .ok()?;
    let v = r.json().as_array()?.clone();
    Some((
        v.first()?.as_str()?.to_string(),
        v.get(1)?.as_bool()?,
        v.get(2)?.as_str()?.to_string(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs /usr/bin/chromium and /usr/bin/chromedriver; run by .ci/run"]
async fn pages_work_in_headless_chromium() {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "install chromium and chromium-driver"
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(entente_web::serve(listener, fixture().app.clone()));

    let port = free_port();
    let _driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    until("chromedriver", || async {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    })
    .await;
    let profile = tempfile::tempdir().unwrap();
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(CHROMIUM).unwrap();
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1400",
        &format!("--user-data-dir={}", profile.path().display()),
    ] {
        caps.add_arg(arg).unwrap();
    }
    let d = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
        .await
        .unwrap();
    let shots = screenshots();
    let result = drive(&d, &base, &shots).await;
    let _ = d.quit().await;
    server.abort();
    result.unwrap();
}

async fn drive(d: &WebDriver, base: &str, shots: &Path) -> WebDriverResult<()> {
    // Home: counts, search box, polities and agreements.
    d.goto(format!("{base}/")).await?;
    assert_eq!(text_of(d, "h1").await.as_deref(), Some("Entente"));
    let n: usize = text_of(d, "#n-agreements").await.unwrap().parse().unwrap();
    assert!(n > 0);
    assert!(
        d.find(By::Css("input[name=q]"))
            .await?
            .is_displayed()
            .await?
    );
    assert!(!d.find_all(By::Css("a.polity")).await?.is_empty());
    d.screenshot(&shots.join("home.png")).await?;

    // Agreement: pick one whose facts cite a sentence, via the home page's
    // links.
    let links = d.find_all(By::Css("a.agreement")).await?;
    let mut hrefs = Vec::new();
    for l in &links {
        hrefs.push(l.attr("href").await?.unwrap_or_default());
    }
    let mut chosen = None;
    for h in hrefs.iter().rev() {
        d.goto(format!("{base}{h}")).await?;
        if d.find_all(By::Css("a.cite[href*='#s-']")).await?.len() >= 3 {
            chosen = Some(h.clone());
            break;
        }
    }
    let chosen = chosen.expect("an agreement with cited sentences");
    // Arrive by clicking, as a reader would.
    d.goto(format!("{base}/")).await?;
    d.find(By::Css(format!("a.agreement[href='{chosen}']")))
        .await?
        .click()
        .await?;
    let name = until("the agreement page", || async {
        text_of(d, "h1#agreement-name").await
    })
    .await;
    assert!(!name.is_empty());
    d.screenshot(&shots.join("agreement.png")).await?;

    // From a fact to its source sentence.
    let cite = d.find(By::Css("ol.facts a.cite[href*='#s-']")).await?;
    let href = cite.attr("href").await?.unwrap();
    let anchor = href.rsplit_once('#').unwrap().1.to_string();
    let quote = cite.find(By::XPath("..")).await?.text().await?;
    cite.click().await?;
    let (id, visible, text) = until("the highlighted sentence", || highlighted(d)).await;
    assert_eq!(id, anchor);
    assert!(visible, "the sentence is scrolled into view");
    let words: Vec<&str> = text.split_whitespace().take(4).collect();
    assert!(
        quote.contains(&words.join(" ")),
        "{quote:?} does not quote {text:?}"
    );
    d.screenshot(&shots.join("document.png")).await?;

    // Inside the document, another fact moves the highlight.
    let facts = d.find_all(By::Css("a.fact")).await?;
    let last = facts.last().unwrap();
    let target = last.attr("href").await?.unwrap();
    last.click().await?;
    let (id2, visible2, _) = until("the new highlight", || async {
        highlighted(d)
            .await
            .filter(|h| format!("#{}", h.0) == target)
    })
    .await;
    assert!(visible2, "{id2} is in view");
    assert_eq!(d.find_all(By::Css(".claim.hl")).await?.len(), 1);

    // Dyad: from the agreement page's dossier link.
    d.goto(format!("{base}{chosen}")).await?;
    d.find(By::Css("a.dyad")).await?.click().await?;
    until("the dyad timeline", || async {
        d.find(By::Css("svg.timeline rect")).await.ok()
    })
    .await;
    assert!(
        d.find(By::Css("svg.timeline"))
            .await?
            .is_displayed()
            .await?
    );
    d.screenshot(&shots.join("dyad.png")).await?;

    // As-of: the slider moves by days and reloads the state.
    d.goto(format!("{base}/asof?date=1912-08-01")).await?;
    assert_eq!(
        text_of(d, "#current-date").await.as_deref(),
        Some("1912-08-01")
    );
    assert!(d.find(By::Css("svg.network")).await?.is_displayed().await?);
    assert!(d.find(By::Css("svg.map")).await?.is_displayed().await?);
    d.screenshot(&shots.join("asof.png")).await?;
    let slider = d.find(By::Css("#slider")).await?;
    slider.send_keys(Key::Right).await?;
    until("the next day", || async {
        text_of(d, "#current-date")
            .await
            .filter(|t| t == "1912-08-02")
    })
    .await;
    // A long move: five years on, as dragging would.
    d.execute(
        "var s=document.getElementById('slider'); s.value=String(+s.value+1826);
         s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change'));",
        Vec::new(),
    )
    .await?;
    until("five years on", || async {
        text_of(d, "#current-date")
            .await
            .filter(|t| t == "1917-08-02")
    })
    .await;
    d.screenshot(&shots.join("asof-moved.png")).await?;
    Ok(())
}
