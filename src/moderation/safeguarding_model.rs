//! The learned half of the safeguarding check: a multinomial logistic regression over the words
//! of a post, the word classes they belong to, and the cues of the hand-written rules.
//!
//! The rules in `safeguarding` catch what is said outright; people in crisis more often say it
//! sideways, in words no list foresees. The model reads the whole post and weighs every feature
//! against the labelled corpus in `tests/data/safeguarding/train/`; its weights live in
//! `safeguarding_model.tsv`, written by
//!
//! ```sh
//! cargo run --release --example train_safeguarding
//! ```
//!
//! and embedded in the binary. Training is deterministic (fixed order, no random numbers), so the
//! same corpus gives the same file. Every feature has a readable name, and the features that
//! pushed a post over the line are the signals moderators see.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::safeguarding::UrgentKind;

/// The classes the model tells apart: not urgent, then each urgent kind.
pub const CLASSES: usize = 1 + UrgentKind::ALL.len();

pub fn class_of(kind: Option<UrgentKind>) -> usize {
    match kind {
        None => 0,
        Some(k) => 1 + UrgentKind::ALL.iter().position(|x| *x == k).expect("every kind is in ALL"),
    }
}

fn kind_of(class: usize) -> Option<UrgentKind> {
    class.checked_sub(1).map(|i| UrgentKind::ALL[i])
}

/// Word classes: different words for one thing count as one feature too, so a phrasing the
/// corpus never used still meets weights learned from its neighbours.
fn word_class(word: &str) -> Option<&'static str> {
    Some(match word {
        "tablets" | "tablet" | "pills" | "pill" | "meds" | "medication" | "medicine" | "medicines" | "morphine"
        | "oramorph" | "oxycodone" | "oxycontin" | "oxynorm" | "codeine" | "tramadol" | "paracetamol" | "diazepam"
        | "zopiclone" | "insulin" | "fentanyl" | "patches" | "amitriptyline" | "sertraline" | "painkillers"
        | "sleepers" | "prescription" | "stash" | "dose" | "doses" | "overdose" => "MEDS",
        "knife" | "knives" | "blade" | "blades" | "razor" | "razors" | "rope" | "ligature" | "belt" | "scissors"
        | "lighter" | "glass" | "gun" | "shotgun" => "TOOL",
        "bridge" | "cliff" | "cliffs" | "railway" | "tracks" | "train" | "motorway" | "river" | "sea"
        | "multistorey" | "woods" | "garage" | "exhaust" => "PLACE",
        "husband" | "partner" | "boyfriend" | "girlfriend" | "wife" | "ex" | "fiance" | "fiancé" | "dh" | "oh"
        | "hubby" | "stepdad" | "stepfather" => "PARTNER",
        "kids" | "children" | "family" | "everyone" | "everybody" | "grandchildren" | "grandkids" | "daughter"
        | "son" | "mum" | "dad" | "sister" | "brother" | "girls" | "boys" | "friends" => "PEOPLE",
        "tonight" | "today" | "now" | "tomorrow" | "currently" | "still" | "anymore" | "again" | "soon" | "weekend"
        | "friday" | "saturday" | "sunday" | "monday" | "tuesday" | "wednesday" | "thursday" => "NOW",
        "ago" | "used" | "years" | "was" | "were" | "had" | "back" | "then" | "once" | "past" | "since" => "PAST",
        "i" | "me" | "my" | "myself" | "im" | "ive" | "id" | "ill" | "mine" => "ME",
        "she" | "he" | "her" | "him" | "they" | "them" | "his" | "hers" | "herself" | "himself" | "themselves" => {
            "THEY"
        }
        "die" | "dying" | "dead" | "death" | "died" | "suicide" | "suicidal" | "kill" | "killing" | "killed"
        | "end" | "ending" | "gone" | "sleep" | "wake" | "exist" | "alive" | "live" | "living" => "LIFE",
        "burden" | "burdens" | "nuisance" | "bother" | "trouble" | "problem" | "pointless" | "point" | "useless"
        | "worthless" | "hopeless" | "tired" | "exhausted" => "BURDEN",
        "goodbye" | "goodbyes" | "bye" | "farewell" | "last" | "final" | "letters" | "letter" | "note" | "notes"
        | "sorry" | "thank" | "thanks" => "GOODBYE",
        "give" | "giving" | "gave" | "given" | "away" | "sorted" | "sorting" | "arranged" | "affairs" | "insurance"
        | "passwords" | "order" | "cancelled" | "rehome" | "rehomed" => "SETTLE",
        "temperature" | "temp" | "fever" | "feverish" | "shivering" | "shaking" | "shivers" | "rigors" | "shivery"
        | "clammy" | "hot" | "cold" => "FEVER",
        "breathe" | "breathing" | "breath" | "breathless" | "gasping" | "wheezing" | "choking" => "BREATH",
        "chest" | "heart" | "pain" | "pains" | "agony" | "crushing" | "bleeding" | "blood" | "vomiting" | "numb"
        | "numbness" | "weak" | "weakness" | "confused" | "confusion" | "drowsy" | "slurred" | "slurring"
        | "collapsed" | "fainted" | "swollen" | "swelling" | "rash" | "headache" | "seizure" | "fit" => "SYMPTOM",
        "chemo" | "chemotherapy" | "neutropenic" | "cycle" | "infusion" | "treatment" | "docetaxel" | "ec" | "fec"
        | "paclitaxel" | "capecitabine" | "immunotherapy" | "radiotherapy" => "TREATMENT",
        "secondaries" | "mets" | "metastatic" | "terminal" | "hospice" | "palliative" | "prognosis" | "incurable"
        | "stage" | "dnacpr" | "dnr" | "funeral" => "TERMINAL",
        "hit" | "hits" | "hitting" | "punched" | "punch" | "slapped" | "slap" | "pushed" | "shoved" | "kicked"
        | "strangled" | "choked" | "threatened" | "threatens" | "threatening" | "grabbed" | "locked" | "smashed"
        | "screaming" | "shouting" | "bruises" | "bruised" | "control" | "controlling" => "VIOLENCE",
        "scared" | "frightened" | "afraid" | "terrified" | "hiding" | "unsafe" | "safe" => "FEAR",
        "cut" | "cutting" | "cuts" | "burn" | "burning" | "burned" | "burnt" | "harm" | "harming" | "scratch"
        | "scratching" | "hurt" | "hurting" | "punish" | "punishing" => "HARM",
        "joke" | "joking" | "kidding" | "#laugh" => "LAUGH",
        "not" | "no" | "never" | "dont" | "didnt" | "wont" | "isnt" | "wasnt" | "nothing" | "nobody" | "noone" => "NOT",
        "#at" | "member" | "members" | "thread" | "chat" | "forum" | "posted" | "post" | "group" | "board" => "MEMBER",
        _ => return None,
    })
}

/// Lower-cased words, apostrophes dropped ("can't" → "cant", as phones type it), numbers that
/// read as a fever → `#fever`, other numbers → `#num`, @handles → `#at`, laughter → `#laugh`;
/// a sentence ends with `#q` when it asks a question and with `.` otherwise.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        let token = if w.starts_with('@') && w.len() > 1 {
            "#at".to_owned()
        } else if w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            // A reading: a decimal in the fever range, or a whole number with its unit ("39c",
            // "101°f"); "40 tablets" and "I'm 39" are not.
            let number = w.trim_end_matches(['c', 'f', '°', 'º']);
            let unit = number.len() < w.len();
            match number.parse::<f32>() {
                Ok(t) if (unit || number.contains('.')) && (37.8..=42.0).contains(&t) => "#fever".to_owned(),
                Ok(t) if (unit || number.contains('.')) && (100.0..=106.0).contains(&t) => "#fever".to_owned(),
                _ => "#num".to_owned(),
            }
        } else if w.starts_with("haha") || w == "lol" || w == "lmao" {
            "#laugh".to_owned()
        } else {
            w
        };
        out.push(token);
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '’' | '‘' => {}
            '.' if word.chars().next().is_some_and(|c| c.is_ascii_digit())
                && chars.peek().is_some_and(|c| c.is_ascii_digit()) =>
            {
                word.push('.')
            }
            '°' | 'º' if !word.is_empty() => word.push(c),
            '@' if word.is_empty() => word.push('@'),
            c if c.is_alphanumeric() || c == '_' => word.extend(c.to_lowercase()),
            '?' | '.' | '!' | '\n' => {
                flush(&mut word, &mut out);
                let end = if c == '?' { "#q" } else { "." };
                if out.last().is_some_and(|l| l == "." || l == "#q") {
                    if end == "#q" {
                        *out.last_mut().unwrap() = end.to_owned();
                    }
                } else if !out.is_empty() {
                    out.push(end.to_owned());
                }
            }
            '😂' | '🤣' | '😆' | '😅' => {
                flush(&mut word, &mut out);
                out.push("#laugh".to_owned());
            }
            _ => flush(&mut word, &mut out),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The features of a post, each once, by name: words, adjacent pairs (as words and as word
/// classes), word classes, `#asks` for a question, and `cue:` features from the hand-written
/// rules. Training reads these; scoring uses [`feature_ids`], the same features hashed.
pub fn features(text: &str, cues: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    each_feature(&tokens(text), cues, &mut |parts| out.push(parts.join(" ")));
    out.sort_unstable();
    out.dedup();
    out
}

/// The features of a post, each once, as ids: no feature name is ever built.
pub fn feature_ids(text: &str, cues: &[String]) -> Vec<u64> {
    let mut out = Vec::new();
    each_feature(&tokens(text), cues, &mut |parts| out.push(id(parts)));
    out.sort_unstable();
    out.dedup();
    out
}

/// A feature's id: FNV-1a over its name (its parts joined by spaces).
fn id(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b" " };
        for b in sep.iter().chain(part.as_bytes()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Calls `emit` with each feature's parts; a feature may come more than once.
fn each_feature(tokens: &[String], cues: &[String], emit: &mut impl FnMut(&[&str])) {
    let is_end = |t: &str| t == "." || t == "#q";
    for (i, t) in tokens.iter().enumerate() {
        if is_end(t) {
            if t == "#q" {
                emit(&["#asks"]);
            }
            continue;
        }
        emit(&[t]);
        let ca = word_class(t);
        if let Some(ca) = ca {
            emit(&[ca]);
        }
        if let Some(b) = tokens.get(i + 1) {
            emit(&[t, b]);
            let cb = if is_end(b) { Some(b.as_str()) } else { word_class(b) };
            if let Some(ca) = ca {
                emit(&[ca, b]);
            }
            if let Some(cb) = cb {
                emit(&[t, cb]);
                if let Some(ca) = ca {
                    emit(&[ca, cb]);
                }
            }
        }
    }
    for cue in cues {
        emit(&["cue:", cue]);
    }
    // How much a post says changes how much each word weighs: a one-line post has few words to
    // tip it, a long one many.
    let words = tokens.iter().filter(|t| !is_end(t)).count();
    emit(&[match words {
        0..=15 => "#length: a line",
        16..=40 => "#length: a few lines",
        41..=100 => "#length: a paragraph",
        _ => "#length: long",
    }]);
}

/// Feature ids are already well mixed hashes: the map need not hash them again.
#[derive(Default, Clone, Copy)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Weights per feature and class, and the bias per class.
#[derive(Debug, Clone)]
pub struct Model {
    pub bias: [f32; CLASSES],
    /// Each feature's name and weights, in name order.
    pub weights: Vec<(String, [f32; CLASSES])>,
    index: HashMap<u64, usize, std::hash::BuildHasherDefault<Prehashed>>,
    /// A post is urgent when the not-urgent class's probability is below this.
    pub threshold: f32,
}

/// What the model says about one post.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Probability of each class.
    pub probabilities: [f32; CLASSES],
    pub kind: Option<UrgentKind>,
    /// The features that argued most for `kind` against "not urgent", strongest first.
    pub reasons: Vec<String>,
}

impl Model {
    pub fn new(bias: [f32; CLASSES], mut weights: Vec<(String, [f32; CLASSES])>, threshold: f32) -> Model {
        weights.sort_by(|a, b| a.0.cmp(&b.0));
        let index = weights.iter().enumerate().map(|(i, (name, _))| (id(&[name]), i)).collect();
        Model { bias, weights, index, threshold }
    }

    pub fn judge(&self, text: &str, cues: &[String]) -> Verdict {
        let known: Vec<usize> =
            feature_ids(text, cues).into_iter().filter_map(|id| self.index.get(&id).copied()).collect();
        let mut z = self.bias;
        for &i in &known {
            z.iter_mut().zip(&self.weights[i].1).for_each(|(zc, wc)| *zc += wc);
        }
        let probabilities = softmax(z);
        let urgent = probabilities[0] < self.threshold;
        let best = (1..CLASSES).max_by(|a, b| probabilities[*a].total_cmp(&probabilities[*b])).unwrap_or(1);
        let kind = if urgent { kind_of(best) } else { None };
        let mut reasons: Vec<(f32, usize)> = match kind {
            Some(_) => known
                .into_iter()
                .map(|i| (self.weights[i].1[best] - self.weights[i].1[0], i))
                .filter(|(push, i)| *push > 0.0 && shown_as_reason(&self.weights[*i].0))
                .collect(),
            None => Vec::new(),
        };
        // Strongest first; equal weights in name order, so the reasons never depend on hashing.
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| self.weights[a.1].0.cmp(&self.weights[b.1].0)));
        let reasons = reasons.into_iter().take(4).map(|(_, i)| describe(&self.weights[i].0)).collect();
        Verdict { probabilities, kind, reasons }
    }

    /// The model as text: a header line `threshold`, a `bias` line, then one line per feature:
    /// the feature, a tab, and its weight for each class.
    pub fn to_tsv(&self) -> String {
        let row = |w: &[f32; CLASSES]| w.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>().join("\t");
        let mut out = format!("#threshold\t{:.6}\n#bias\t{}\n", self.threshold, row(&self.bias));
        for (name, w) in &self.weights {
            out.push_str(&format!("{name}\t{}\n", row(w)));
        }
        out
    }

    pub fn from_tsv(text: &str) -> Result<Model, String> {
        let (mut bias, mut weights, mut threshold) = (None, Vec::new(), None);
        for (n, line) in text.lines().enumerate() {
            let mut parts = line.split('\t');
            let name = parts.next().unwrap_or_default();
            let values: Vec<f32> = parts
                .map(|p| match p.parse::<f32>() {
                    Ok(x) if x.is_finite() => Ok(x),
                    _ => Err(format!("line {}: {p:?} is not a finite number", n + 1)),
                })
                .collect::<Result<_, _>>()?;
            match name {
                "#threshold" => {
                    threshold = values.first().copied().filter(|t| *t > 0.0 && *t < 1.0);
                    threshold.ok_or(format!("line {}: the threshold must be between 0 and 1", n + 1))?;
                }
                _ => {
                    let w: [f32; CLASSES] =
                        values.try_into().map_err(|_| format!("line {}: expected {CLASSES} weights", n + 1))?;
                    if name == "#bias" {
                        bias = Some(w);
                    } else {
                        weights.push((name.to_owned(), w));
                    }
                }
            }
        }
        let model = Model::new(bias.ok_or("no #bias line")?, weights, threshold.ok_or("no #threshold line")?);
        if model.index.len() != model.weights.len() {
            return Err("two features share an id".to_owned());
        }
        Ok(model)
    }
}

/// Whether a feature means something to a moderator: the rules' signals and the words do; the
/// rules' own verdict (its signals are listed already), their context and the post's length do
/// not.
fn shown_as_reason(feature: &str) -> bool {
    !["cue: kind ", "cue: context: ", "cue: set aside: ", "#length: "].iter().any(|p| feature.starts_with(p))
}

/// A feature in words, for moderators: `cue: feeling a burden` → `feeling a burden`,
/// a word or pair → `“better off”`, a word class → `[medicines]`.
fn describe(feature: &str) -> String {
    if let Some(cue) = feature.strip_prefix("cue: ") {
        return cue.to_owned();
    }
    let part = |p: &str| match p {
        "MEDS" => "[medicines]".to_owned(),
        "TOOL" => "[a blade, rope or weapon]".to_owned(),
        "PLACE" => "[a place to jump or drown]".to_owned(),
        "PARTNER" => "[partner]".to_owned(),
        "PEOPLE" => "[family]".to_owned(),
        "NOW" => "[now]".to_owned(),
        "PAST" => "[past]".to_owned(),
        "ME" => "[I]".to_owned(),
        "THEY" => "[she/he]".to_owned(),
        "LIFE" => "[life or death]".to_owned(),
        "BURDEN" => "[burden]".to_owned(),
        "GOODBYE" => "[goodbye]".to_owned(),
        "SETTLE" => "[settling affairs]".to_owned(),
        "FEVER" => "[fever]".to_owned(),
        "BREATH" => "[breathing]".to_owned(),
        "SYMPTOM" => "[symptom]".to_owned(),
        "TREATMENT" => "[treatment]".to_owned(),
        "TERMINAL" => "[terminal illness]".to_owned(),
        "VIOLENCE" => "[violence]".to_owned(),
        "FEAR" => "[fear]".to_owned(),
        "HARM" => "[harm]".to_owned(),
        "LAUGH" => "[laughter]".to_owned(),
        "NOT" => "[negation]".to_owned(),
        "MEMBER" => "[another member]".to_owned(),
        "#fever" => "[a fever reading]".to_owned(),
        "#num" => "[a number]".to_owned(),
        "#at" => "[@member]".to_owned(),
        "#q" => "?".to_owned(),
        "#asks" => "[a question]".to_owned(),
        "." => "[end of sentence]".to_owned(),
        w => w.to_owned(),
    };
    format!("“{}”", feature.split(' ').map(part).collect::<Vec<_>>().join(" "))
}

pub fn softmax(z: [f32; CLASSES]) -> [f32; CLASSES] {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p = z.map(|x| (x - max).exp());
    let sum: f32 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= sum);
    p
}

/// The model shipped in the binary.
pub static MODEL: LazyLock<Model> = LazyLock::new(|| {
    Model::from_tsv(include_str!("safeguarding_model.tsv"))
        .expect("safeguarding_model.tsv is written by train_safeguarding")
});

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// L2 penalty, applied to a weight each time its feature is seen (so a frequent feature is
    /// held down more than a rare one).
    pub l2: f32,
    pub epochs: usize,
    /// Features seen in fewer posts than this are dropped.
    pub min_posts: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { l2: 0.01, epochs: 120, min_posts: 2 }
    }
}

/// Trains on `(features, class)` examples by stochastic gradient descent in a fixed order with an
/// AdaGrad step per weight, so the same examples give the same model.
pub fn train(examples: &[(Vec<String>, usize)], settings: Settings) -> Model {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (features, _) in examples {
        for f in features {
            *seen.entry(f.as_str()).or_default() += 1;
        }
    }
    let mut names: Vec<&str> = seen.iter().filter(|(_, n)| **n >= settings.min_posts).map(|(f, _)| *f).collect();
    names.sort_unstable();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let rows: Vec<(Vec<usize>, usize)> = examples
        .iter()
        .map(|(features, class)| (features.iter().filter_map(|f| index.get(f.as_str()).copied()).collect(), *class))
        .collect();
    let mut w = vec![[0f32; CLASSES]; names.len()];
    let mut g2 = vec![[1e-6f32; CLASSES]; names.len()];
    let mut bias = [0f32; CLASSES];
    let mut bias_g2 = [1e-6f32; CLASSES];
    let rate = 0.5f32;
    // A fixed interleaving, not the file order, so one kind does not come in one block.
    let order: Vec<usize> = {
        let mut o: Vec<usize> = (0..rows.len()).collect();
        o.sort_by_key(|i| (i * 7919) % rows.len().max(1));
        o
    };
    for _ in 0..settings.epochs {
        for &i in &order {
            let (features, class) = &rows[i];
            let mut z = bias;
            for &f in features {
                for c in 0..CLASSES {
                    z[c] += w[f][c];
                }
            }
            let p = softmax(z);
            for c in 0..CLASSES {
                let err = p[c] - if c == *class { 1.0 } else { 0.0 };
                bias_g2[c] += err * err;
                bias[c] -= rate * err / bias_g2[c].sqrt();
                for &f in features {
                    let g = err + settings.l2 * w[f][c];
                    g2[f][c] += g * g;
                    w[f][c] -= rate * g / g2[f][c].sqrt();
                }
            }
        }
    }
    // Weights are kept to two decimals, as the model file writes them; a feature whose weights
    // all round to zero changes nothing and is dropped.
    let round = |x: f32| (x * 100.0).round() / 100.0;
    let weights = names
        .iter()
        .zip(w)
        .map(|(f, w)| ((*f).to_owned(), w.map(round)))
        .filter(|(_, w)| w.iter().any(|x| *x != 0.0))
        .collect();
    Model::new(bias.map(round), weights, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_read_phones_and_thermometers() {
        assert_eq!(
            tokens("I can’t breathe. Temp 38.5°C?? @Jo lol"),
            ["i", "cant", "breathe", ".", "temp", "#fever", "#q", "#at", "#laugh"]
        );
        assert_eq!(tokens("Day 8, 37.2"), ["day", "#num", "#num"]);
        assert_eq!(tokens("took 40 tablets at 39"), ["took", "#num", "tablets", "at", "#num"]);
        assert_eq!(tokens("39c, 101°F, 38.5ºC"), ["#fever", "#fever", "#fever"]);
    }

    #[test]
    fn a_damaged_model_file_is_refused() {
        assert!(Model::from_tsv("#threshold\t0.5\n").is_err(), "no bias");
        assert!(Model::from_tsv("#bias\t0\t0\t0\t0\t0\t0\t0\n").is_err(), "no threshold");
        assert!(Model::from_tsv("#threshold\t0.5\n#bias\t0\t0\t0\t0\t0\t0\t0\nx\tNaN\t0\t0\t0\t0\t0\t0\n").is_err());
    }

    #[test]
    fn the_shipped_model_loads_and_round_trips() {
        let model = &*MODEL;
        assert!(model.weights.len() > 1000, "a model trained on the corpus, not a stub");
        let again = Model::from_tsv(&model.to_tsv()).unwrap();
        assert_eq!(again.weights.len(), model.weights.len());
        assert_eq!(again.threshold, model.threshold);
    }

    #[test]
    fn training_learns_a_separable_corpus() {
        let examples: Vec<(Vec<String>, usize)> = [
            ("my temperature is 38.9 and I am shivering", class_of(Some(UrgentKind::MedicalEmergency))),
            ("temp 39.1 on day 7 of chemo, shaking", class_of(Some(UrgentKind::MedicalEmergency))),
            ("lovely walk by the sea today", 0),
            ("lovely cup of tea with my sister today", 0),
        ]
        .iter()
        .map(|(t, c)| (features(t, &[]), *c))
        .collect();
        let model = train(&examples, Settings { min_posts: 1, ..Settings::default() });
        let fever = model.judge("shivering, temperature 38.2", &[]);
        assert_eq!(fever.kind, Some(UrgentKind::MedicalEmergency));
        assert!(fever.reasons.iter().any(|r| r.contains("fever")), "{:?}", fever.reasons);
        assert_eq!(model.judge("a walk with my sister", &[]).kind, None);
    }
}
