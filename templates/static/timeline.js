// Instant filtering and full-text search on the timeline index.
// The page works without this script: every filter is also a plain page (years, categories,
// actors, tags). The search index is fetched only when someone searches.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var timeline = document.getElementById("timeline");
  if (!form || !timeline || !window.URLSearchParams) return;

  var cards = Array.prototype.slice.call(timeline.querySelectorAll("li.event"));
  var status = document.getElementById("filter-status");
  var noMatch = document.getElementById("no-match");
  var results = document.getElementById("search-results");
  var resultList = results.querySelector("ol");
  var search = document.getElementById("q");  // in the header, a field of this form (form="filters")
  var index = null;       // the search records, once loaded
  var loading = null;     // the promise of loading them
  var matches = null;     // ids matching the current query, or null when there is none

  form.hidden = false;
  document.getElementById("header-search").hidden = false;

  var folded = {};  // character -> its folded form, worked out once
  function foldChar(c) {
    if (!(c in folded)) {
      var f = c.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFKC");
      folded[c] = f.length === 1 ? f : c;  // one character for one: snippets mark matches by offset
    }
    return folded[c];
  }
  function fold(text) {
    // Case and accents do not matter: "Kyodo" finds "kyōdo". NFKC after: Hangul syllables come back
    // together, and full-width letters and half-width kana read as the usual ones ("ｍｉｓｓｉｌｅ", "ﾐｻｲﾙ").
    // Character by character, keeping the length ("…" stays one character), so an offset found in the
    // folded text is the same offset in the text shown.
    return text.replace(/[^\x00-\x7f]/g, foldChar).toLowerCase();
  }

  // Korean, Japanese and Chinese script: Japanese puts no spaces between words, and Korean words carry
  // particles ("미사일을"). A query's run of these characters is cut into words by the browser's own
  // word segmenter (Intl.Segmenter, ICU's dictionaries: "ミサイル発射" -> ミサイル, 発射), each of which must
  // appear; where there is none, into character bigrams (as Lucene's CJK analyzer indexes such text).
  var CJK = /[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]+/g;
  var segmenter = window.Intl && Intl.Segmenter ?
    new Intl.Segmenter(document.documentElement.lang || undefined, { granularity: "word" }) : null;

  function cjkWords(run) {
    if (segmenter) {
      return Array.from(segmenter.segment(run)).filter(function (s) { return s.isWordLike; })
        .map(function (s) { return s.segment; });
    }
    if (run.length < 3) return [run];
    var grams = [];
    for (var i = 0; i + 2 <= run.length; i++) grams.push(run.slice(i, i + 2));
    return grams;
  }

  function terms(query) {
    var found = [];
    fold(query).split(/\s+/).filter(Boolean).forEach(function (word) {
      var rest = word.replace(CJK, function (run) {
        found.push.apply(found, cjkWords(run));
        return " ";
      });
      rest.split(" ").filter(Boolean).forEach(function (part) { found.push(part); });
    });
    return found.filter(function (term, i) { return found.indexOf(term) === i; });
  }

  function checked(name) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name=" + name + "]:checked"))
      .map(function (input) { return input.value; });
  }

  function loadIndex() {
    // A script, not fetch(): pages opened from disk may load scripts but not fetch files.
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = timeline.getAttribute("data-search-index");
        script.onload = function () {
          index = window.siteGenSearchIndex.map(function (r) {
            return { record: r, title: fold(r.title), summary: fold(r.summary),
                     rest: fold(r.text + " " + r.sources) };
          });
          resolve(index);
        };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function searchFor(query) {
    var words = terms(query);
    var found = [];
    index.forEach(function (item) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var w = words[i];
        var s = (item.title.indexOf(w) >= 0 ? 5 : 0) + (item.summary.indexOf(w) >= 0 ? 3 : 0) +
                (item.rest.indexOf(w) >= 0 ? 1 : 0);
        if (!s) return;  // every word must appear somewhere
        score += s;
      }
      found.push({ item: item, score: score });
    });
    found.sort(function (a, b) { return b.score - a.score; });
    return found.map(function (f) { return f.item.record; });
  }

  function cutAtWords(text, start, end) {
    // Widen [start, end) to whole words, so a snippet never begins or ends inside one.
    // (At most 20 characters either way: Japanese runs whole sentences without a space.)
    var low = Math.max(0, start - 20), high = Math.min(text.length, end + 20);
    while (start > low && /\S/.test(text.charAt(start - 1))) start--;
    while (end < high && /\S/.test(text.charAt(end))) end++;
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  function snippet(record, query) {
    var folded = fold(query).trim();
    var word = folded.split(/\s+/)[0] || "";  // the whole first word if it is there, else its first term
    if (fold(record.summary + " " + record.text + " " + record.sources).indexOf(word) < 0) word = terms(query)[0] || "";
    var text = record.summary;
    var at = fold(text).indexOf(word);
    if (at < 0) {
      text = record.text + " " + record.sources;
      at = fold(text).indexOf(word);
    }
    var piece = at < 0 ? cutAtWords(text, 0, 160) : cutAtWords(text, Math.max(0, at - 60), at + word.length + 100);
    var p = document.createElement("p");
    var hit = fold(piece).indexOf(word);
    if (!word || hit < 0) { p.textContent = piece; return p; }
    var mark = document.createElement("mark");
    mark.textContent = piece.slice(hit, hit + word.length);
    p.appendChild(document.createTextNode(piece.slice(0, hit)));
    p.appendChild(mark);
    p.appendChild(document.createTextNode(piece.slice(hit + word.length)));
    return p;
  }

  function showResults(records, query) {
    resultList.textContent = "";
    records.forEach(function (record) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = record.url;
      a.textContent = record.title;
      var date = document.createElement("span");
      date.className = "result-date";
      date.textContent = record.date + ": ";
      li.appendChild(date);
      li.appendChild(a);
      li.appendChild(snippet(record, query));
      if (record.flags && record.flags.length) {
        // What is contested, as the cards say it.
        var flags = document.createElement("ul");
        flags.className = "flags";
        flags.setAttribute("aria-label", "Contested");
        record.flags.forEach(function (text) {
          var item = document.createElement("li");
          item.className = "flag";
          item.textContent = text;
          flags.appendChild(item);
        });
        li.appendChild(flags);
      }
      resultList.appendChild(li);
    });
  }

  var facets = cards.map(function (card) {
    return { card: card, category: [card.getAttribute("data-category")],
             actor: card.getAttribute("data-actors").split(" "), tag: card.getAttribute("data-tags").split(" ") };
  });

  function passes(facet, chosen, skip) {
    // Within a kind any chosen value will do; across kinds all must hold. `skip` leaves one kind out.
    return ["category", "actor", "tag"].every(function (kind) {
      return kind === skip || !chosen[kind].length ||
        chosen[kind].some(function (v) { return facet[kind].indexOf(v) >= 0; });
    }) && (!matches || matches.has(facet.card.id));
  }

  function updateCounts(chosen) {
    // Each option counts the events it would show with the other kinds' choices and the search as they are.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (input) {
      var n = facets.filter(function (f) {
        return passes(f, chosen, input.name) && f[input.name].indexOf(input.value) >= 0;
      }).length;
      input.parentNode.querySelector("[data-count]").textContent = "(" + n + ")";
    });
  }

  // The page's words for these, in its language (index.html puts them on the status element).
  function words(key, values) {
    return status.getAttribute("data-" + key).replace(/\{(\w+)\}/g, function (all, name) { return values[name]; });
  }

  function summarize() {
    var names = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]:checked")).map(function (input) {
      return input.parentNode.querySelector(".choice-name").textContent;
    });
    document.getElementById("filter-summary").textContent = names.length ? words("chosen", { names: names.join(", ") }) : "";
  }

  function apply() {
    var categories = checked("category"), actors = checked("actor"), tags = checked("tag");
    var chosen = { category: categories, actor: actors, tag: tags };
    var query = search.value.trim();
    var shown = 0;
    facets.forEach(function (facet) {
      var visible = passes(facet, chosen, null);
      facet.card.hidden = !visible;
      if (visible) shown++;
    });
    updateCounts(chosen);
    summarize();
    // Hide months and years left empty, so headings never stand over nothing.
    Array.prototype.forEach.call(timeline.querySelectorAll("section.month, section.year"), function (section) {
      section.hidden = !section.querySelector("li.event:not([hidden])");
    });
    if (matches) {
      showResults(index.map(function (i) { return i.record; }).filter(function (r) {
        var card = document.getElementById(r.id);
        return matches.has(r.id) && card && !card.hidden;
      }).sort(function (a, b) { return matches.get(a.id) - matches.get(b.id); }), query);
    }
    results.hidden = !matches;
    timeline.hidden = !!matches;  // a search lists its results once, ranked, instead of the cards too
    noMatch.hidden = shown > 0;
    status.textContent = shown === cards.length ? words("all", { count: cards.length })
      : words(query ? "some-query" : "some", { shown: shown, count: cards.length, query: query });
    remember(categories, actors, tags, query);
  }

  function remember(categories, actors, tags, query) {
    // The filtered view lives in the URL, so it can be shared and reloaded.
    var params = new URLSearchParams();
    categories.forEach(function (v) { params.append("category", v); });
    actors.forEach(function (v) { params.append("actor", v); });
    tags.forEach(function (v) { params.append("tag", v); });
    if (query) params.set("q", query);
    var text = params.toString();
    var url = window.location.pathname + (text ? "?" + text : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      history.replaceState(null, "", url);
    }
  }

  function runSearch() {
    var query = search.value.trim();
    if (!query) { matches = null; apply(); return; }
    loadIndex().then(function () {
      if (search.value.trim() !== query) return;  // a newer query is on its way
      matches = new Map();
      searchFor(query).forEach(function (record, rank) { matches.set(record.id, rank); });
      apply();
    });
  }

  var timer = null;
  form.addEventListener("change", function (event) {
    if (event.target !== search) apply();
  });
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 120);
  });
  search.addEventListener("focus", loadIndex, { once: true });
  form.addEventListener("submit", function (event) { event.preventDefault(); runSearch(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { matches = null; apply(); }, 0);
  });

  // Open a shared URL with its filters in place.
  var params = new URLSearchParams(window.location.search);
  ["category", "actor", "tag"].forEach(function (name) {
    params.getAll(name).forEach(function (value) {
      var input = form.querySelector("input[name=" + name + "][value=\"" + CSS.escape(value) + "\"]");
      if (input) input.checked = true;
    });
  });
  // A shared link opens with its results first: the options stay folded, their summary names the choices.
  if (params.get("q")) { search.value = params.get("q"); runSearch(); } else { apply(); }
})();
