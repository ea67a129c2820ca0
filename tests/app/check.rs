//! `forum check`: the screening checks on JSON lines, as moderators' tooling and evaluations use them.

use std::io::Write;
use std::process::{Command, Stdio};

fn forum_check(input: &str) -> Vec<serde_json::Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forum"))
        .arg("check")
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn forum_check_reports_spans_in_characters_decisions_and_urgency() {
    let lines = forum_check(concat!(
        "{\"id\": 1, \"text\": \"Café ☕ — my NHS number is 943 476 5919, ring me on 07700 900123\"}\n",
        "{\"id\": \"two\", \"text\": \"3 cycles of FEC-T done. Samaritans are on 116 123.\"}\n",
        "not json\n",
        "{\"id\": 4, \"text\": \"I have stopped my tablets and saved them up. Goodbye everyone.\"}\n",
    ));
    assert_eq!(lines.len(), 4);

    let first = &lines[0];
    assert_eq!(first["id"], 1);
    assert_eq!(first["decision"], "held");
    assert_eq!(first["urgent"], false);
    let text: Vec<char> = "Café ☕ — my NHS number is 943 476 5919, ring me on 07700 900123".chars().collect();
    let spans = first["spans"].as_array().unwrap();
    let found: Vec<(String, String)> = spans
        .iter()
        .map(|s| {
            let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
            (s["type"].as_str().unwrap().to_owned(), text[start..end].iter().collect())
        })
        .collect();
    assert_eq!(found, [("NHS_NUMBER".into(), "943 476 5919".into()), ("PHONE".into(), "07700 900123".into())]);

    assert_eq!(lines[1]["decision"], "live", "doses, cycles and helplines are not personal information");
    assert!(lines[1]["spans"].as_array().unwrap().is_empty());
    assert_eq!(lines[2]["line"], 3, "a bad line is reported by number and the rest still run");
    assert_eq!(lines[3]["urgent"], true);
    assert_eq!(lines[3]["urgent_kind"], "plan_or_means");
    assert_eq!(lines[3]["decision"], "held", "an urgent post is never silently rejected");
}

#[test]
fn forum_check_holds_a_clinicians_case_discussion_but_not_a_members_words() {
    let text = "A lady I scanned this morning, 43, from Salford, asked the same thing.";
    let lines = forum_check(&format!(
        "{{\"id\": 1, \"text\": \"{text}\", \"clinician\": true}}\n{{\"id\": 2, \"text\": \"{text}\"}}\n\
         {{\"id\": 3, \"text\": \"My patients often ask whether it hurts.\", \"clinician\": true}}\n"
    ));
    assert_eq!(lines[0]["decision"], "held");
    assert!(lines[0]["rules"].as_array().unwrap().iter().any(|r| r == "clinician-case-discussion"));
    assert_eq!(lines[1]["decision"], "live", "a member describing a stranger is not case discussion");
    assert_eq!(lines[2]["decision"], "live", "general experience is what clinicians are here for");
}
