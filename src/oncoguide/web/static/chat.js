/* oncoguide patient chat: consent, streamed answers (SSE over fetch), citations, feedback.
   Vanilla JS, no build step. Text from the server is only ever inserted as text nodes. */
"use strict";

(function () {
  const KEY = "oncoguide.session";
  const regions = JSON.parse(document.getElementById("regions-data").textContent);
  const $ = (id) => document.getElementById(id);
  const HEADINGS = /^(when to contact your care team|questions to ask your (doctor|care team)|questions you could ask[^:]*):?$/i;
  const REASONS = ["Did not answer my question", "Hard to understand", "Seems wrong or out of date", "Other"];
  let session = null;
  let busy = false;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "className") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children || []) node.append(c);
    return node;
  }

  function regionFor(code) {
    return regions.find((r) => r.code === code) || regions[regions.length - 1];
  }

  function emergencyLine(r) {
    return r.emergency_number
      ? "In an emergency, call " + r.emergency_number + " now."
      : "In an emergency, call your local emergency number now.";
  }

  function telLink(number, label) {
    if (!number) return el("strong", { text: label });
    return el("a", { href: "tel:" + number.replace(/[^0-9+]/g, ""), className: "call", text: label });
  }

  /* ---- consent ---------------------------------------------------------------------------- */

  function selected(name) {
    const input = document.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }

  function showRegionNumbers() {
    const r = regionFor(selected("region") || (session && session.region) || "XX");
    $("consent-emergency").textContent = emergencyLine(r);
    $("footer-emergency").textContent = emergencyLine(r);
  }

  async function createSession(region, audience) {
    const res = await fetch("/v1/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "web", locale: "en", region: region, audience: audience, consent: true }),
    });
    if (!res.ok) throw new Error("session " + res.status);
    const body = await res.json();
    session = { id: body.session_id, region: region, audience: audience };
    sessionStorage.setItem(KEY, JSON.stringify(session));
  }

  async function onConsent(event) {
    event.preventDefault();
    const error = $("agree-error");
    if (!$("agree").checked) {
      error.textContent = "Please tick the box to say you understand, then press Start.";
      error.hidden = false;
      $("agree").setAttribute("aria-invalid", "true");
      $("agree").focus();
      return;
    }
    error.hidden = true;
    $("agree").removeAttribute("aria-invalid");
    try {
      await createSession(selected("region"), selected("audience"));
    } catch (e) {
      error.textContent = "Sorry, we could not start right now. Please try again in a moment.";
      error.hidden = false;
      return;
    }
    showChat(true);
  }

  function showChat(fresh) {
    $("consent").hidden = true;
    $("chat").hidden = false;
    $("top-actions").hidden = false;
    if (fresh) {
      $("log").replaceChildren();
      $("suggestions").hidden = false;
    }
    showRegionNumbers();
    $("question").focus();
  }

  function showConsent() {
    $("chat").hidden = true;
    $("top-actions").hidden = true;
    $("consent").hidden = false;
    if (session) {
      const r = document.getElementById("region-" + session.region);
      if (r) r.checked = true;
      const a = document.getElementById("audience-" + session.audience);
      if (a) a.checked = true;
    }
    showRegionNumbers();
    $("consent-title").setAttribute("tabindex", "-1");
    $("consent-title").focus();
  }

  async function startOver() {
    if (!session) return showConsent();
    try {
      await createSession(session.region, session.audience);
    } catch (e) {
      return status("Sorry, we could not start a new conversation. Please try again.");
    }
    showChat(true);
    status("New conversation started.");
  }

  /* ---- rendering an answer ---------------------------------------------------------------- */

  function withCitations(text, mid, glossary) {
    /* Text with [n] markers -> text nodes, glossary terms and citation links. */
    const out = [];
    const parts = text.split(/(\[\d+(?:\s*,\s*\d+)*\]|\*[^*\n]+\*)/);
    for (const part of parts) {
      if (/^\*[^*\n]+\*$/.test(part)) { out.push(el("em", {}, withTerms(part.slice(1, -1), glossary))); continue; }
      const m = part.match(/^\[(\d+(?:\s*,\s*\d+)*)\]$/);
      if (!m) { out.push(...withTerms(part, glossary)); continue; }
      for (const n of m[1].split(/\s*,\s*/)) {
        out.push(el("sup", {}, [el("a", { href: "#c-" + mid + "-" + n, className: "cite",
          "aria-label": "source " + n, text: "[" + n + "]" })]));
      }
    }
    return out;
  }

  function withTerms(text, glossary) {
    if (!glossary.length || !text) return [document.createTextNode(text)];
    for (const g of glossary) {
      const i = text.toLowerCase().indexOf(g.term.toLowerCase());
      if (i < 0 || g.used) continue;
      g.used = true;
      const id = "term-" + Math.random().toString(36).slice(2);
      const term = el("span", { className: "term", tabindex: "0", "aria-describedby": id }, [
        text.slice(i, i + g.term.length),
        el("span", { className: "definition", role: "tooltip", id: id, text: g.definition }),
      ]);
      return [...withTerms(text.slice(0, i), glossary), term, ...withTerms(text.slice(i + g.term.length), glossary)];
    }
    return [document.createTextNode(text)];
  }

  function glossaryOf(data) {
    const raw = data.glossary || [];
    /* {"term", "definition", "citation": {"title", ...}} (pairs [term, definition] also read) */
    return raw.map((g) => Array.isArray(g) ? { term: g[0], definition: g[1] }
      : { term: g.term, definition: g.definition + (g.citation && g.citation.title ? " (from " + g.citation.title + ")" : "") })
      .filter((g) => g.term && g.definition);
  }

  function renderText(container, text, mid, glossary) {
    /* Paragraphs, "- " lists, and call-out boxes for the care-team headings. */
    let target = container;
    for (const para of text.split(/\n\s*\n/)) {
      let list = null;
      for (const line of para.split("\n")) {
        const trimmed = line.trim();
        if (!trimmed) continue;
        if (HEADINGS.test(trimmed)) {
          target = el("section", { className: "callout" }, [el("h3", { text: trimmed.replace(/:$/, "") })]);
          container.append(target);
          list = null;
        } else if (trimmed.startsWith("- ")) {
          if (!list) { list = el("ul"); target.append(list); }
          list.append(el("li", {}, withCitations(trimmed.slice(2), mid, glossary)));
        } else {
          list = null;
          target.append(el("p", {}, withCitations(trimmed, mid, glossary)));
        }
      }
    }
  }

  function renderCitations(container, citations, mid) {
    if (!citations || !citations.length) return;
    const list = el("ol", { className: "sources" });
    for (const c of citations) {
      const meta = [c.source, c.heading ? "section: " + c.heading : null,
        c.last_reviewed ? "last reviewed " + c.last_reviewed : "review date unknown"].filter(Boolean);
      const item = el("li", { id: "c-" + mid + "-" + c.n, value: String(c.n) }, [
        el("a", { href: c.url, rel: "noopener noreferrer", target: "_blank", text: c.title || c.url }),
        el("span", { className: "meta", text: " (" + meta.join("; ") + ")" }),
      ]);
      if (c.review_overdue) {
        item.append(" ", el("span", { className: "overdue", text: "Past its review date: check with your care team" }));
      }
      list.append(item);
    }
    container.append(el("h3", { className: "sources-title", text: "Sources" }), list);
  }

  function renderList(container, title, items, mid) {
    if (!items || !items.length) return;
    const box = el("section", { className: "callout" }, [el("h3", { text: title })]);
    const ul = el("ul");
    for (const item of items) ul.append(el("li", {}, withCitations(String(item), mid, [])));
    box.append(ul);
    container.append(box);
  }

  function isEmergency(safety) {
    return safety && safety.category === "emergency";
  }

  function isCrisis(safety) {
    return safety && (safety.actions || []).includes("show_crisis_resources");
  }

  function banner(safety) {
    const r = regionFor(session.region);
    const crisis = isCrisis(safety);
    const box = el("div", { className: "banner " + (crisis ? "crisis" : "emergency"), role: "alert", tabindex: "-1" });
    if (crisis) {
      box.append(el("h2", { text: "You don't have to face this alone" }));
      if (r.crisis_line) box.append(el("p", { className: "big" }, [telLink(r.crisis_line, "Call " + r.crisis_line)]), el("p", { text: r.crisis_name }));
      box.append(el("p", { className: "second" }, ["If you are in danger now: ", telLink(r.emergency_number, r.emergency_number ? "call " + r.emergency_number : "call your local emergency number")]));
    } else {
      box.append(el("h2", { text: "This could be an emergency" }));
      box.append(el("p", { className: "big" }, [telLink(r.emergency_number, r.emergency_number ? "Call " + r.emergency_number + " now" : "Call your local emergency number now")]));
    }
    for (const line of String(safety.message || "").split("\n")) if (line.trim()) box.append(el("p", { text: line }));
    return box;
  }

  function renderFinal(msg, data) {
    const mid = data.message_id;
    const body = msg.querySelector(".body");
    body.replaceChildren();
    const safety = data.safety || {};
    if (isEmergency(safety) || isCrisis(safety)) {
      body.append(banner(safety));
      $("suggestions").hidden = true;
      msg.classList.add("urgent");
      body.querySelector(".banner").focus();
      return;
    }
    if (safety.concern && safety.concern.message) {
      body.append(el("p", { className: "concern", role: "note", text: safety.concern.message }));
    }
    if ((safety.actions || []).includes("refuse_personal_advice") || data.abstained) {
      msg.classList.add("gentle");
    }
    const glossary = glossaryOf(data);
    renderText(body, String(data.answer || ""), mid, glossary);
    renderList(body, "Questions to ask your doctor", data.questions_to_ask, mid);
    renderList(body, "When to contact your care team", data.when_to_contact, mid);
    renderCitations(body, data.citations, mid);
    if (data.suggested_replies && data.suggested_replies.length) {
      const replies = el("div", { className: "replies", role: "group", "aria-label": "Suggested replies" });
      for (const r of data.suggested_replies) {
        const b = el("button", { type: "button", className: "secondary", text: r });
        b.addEventListener("click", () => ask(r));
        replies.append(b);
      }
      body.append(replies);
    }
    if (mid) body.append(feedbackFor(mid));
  }

  /* ---- feedback --------------------------------------------------------------------------- */

  async function sendFeedback(mid, rating, reason, comment) {
    const res = await fetch("/v1/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message_id: mid, rating: rating, reason: reason || null, comment: comment || null }),
    });
    return res.ok;
  }

  function feedbackFor(mid) {
    const box = el("div", { className: "feedback", role: "group", "aria-label": "Was this answer helpful?" });
    const note = el("p", { className: "status", role: "status" });
    const up = el("button", { type: "button", className: "thumb", "aria-pressed": "false", "data-rating": "up" }, ["Helpful"]);
    const down = el("button", { type: "button", className: "thumb", "aria-pressed": "false", "data-rating": "down" }, ["Not helpful"]);
    const reasonId = "reason-" + mid;
    const form = el("form", { className: "reason", hidden: true }, [
      el("label", { for: reasonId, text: "What was wrong? (optional)" }),
      el("select", { id: reasonId, name: "reason" }, [el("option", { value: "", text: "Choose a reason" }),
        ...REASONS.map((r) => el("option", { value: r, text: r }))]),
      el("label", { for: reasonId + "-comment", text: "Anything else? (optional)" }),
      el("textarea", { id: reasonId + "-comment", name: "comment", rows: "2", maxlength: "2000" }),
      el("button", { type: "submit", className: "secondary", text: "Send" }),
    ]);
    let rating = null;
    async function rate(value) {
      rating = value;
      up.setAttribute("aria-pressed", String(value === "up"));
      down.setAttribute("aria-pressed", String(value === "down"));
      const ok = await sendFeedback(mid, value);
      note.textContent = ok ? "Thank you, your rating was saved." : "Sorry, your rating could not be saved.";
      form.hidden = !ok;
    }
    up.addEventListener("click", () => rate("up"));
    down.addEventListener("click", () => rate("down"));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const ok = await sendFeedback(mid, rating, form.reason.value, form.comment.value.trim());
      note.textContent = ok ? "Thank you for telling us more." : "Sorry, that could not be saved.";
      if (ok) form.hidden = true;
    });
    box.append(el("p", { className: "ask-helpful", text: "Was this helpful?" }), up, down, form, note);
    return box;
  }

  /* ---- asking: SSE over fetch ------------------------------------------------------------- */

  function status(text) { $("ask-status").textContent = text; }

  function addMessage(who, text) {
    const msg = el("article", { className: "msg " + who }, [
      el("h2", { className: "who", text: who === "user" ? "You asked" : "Answer" }),
      el("div", { className: "body" }),
    ]);
    if (text) msg.querySelector(".body").append(el("p", { text: text }));
    $("log").append(msg);
    if (who === "user") msg.scrollIntoView({ block: "nearest" });
    return msg;
  }

  function parseEvents(buffer, onEvent) {
    const blocks = buffer.split("\n\n");
    const rest = blocks.pop();
    for (const block of blocks) {
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
    return rest;
  }

  async function ask(text) {
    text = text.trim();
    if (!text || busy) return;
    busy = true;
    $("send").disabled = true;
    $("suggestions").hidden = true;
    addMessage("user", text);
    const msg = addMessage("bot");
    msg.setAttribute("aria-busy", "true");
    const body = msg.querySelector(".body");
    body.append(el("p", { className: "thinking", text: "Looking in the knowledge base..." }));
    status("");
    let final = null;
    try {
      const res = await fetch("/v1/chat/stream", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ session_id: session.id, message: text }),
      });
      if (res.status === 404 || res.status === 403) {
        msg.remove();
        await createSession(session.region, session.audience);
        busy = false;
        return ask(text);
      }
      if (!res.ok) throw new Error(res.status === 429 ? "slow" : "http " + res.status);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let first = true;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (name, data) => {
          if (name === "answer") {
            if (first) { body.replaceChildren(); first = false; }
            renderText(body, data.text, "stream", []);
          } else if (name === "final") {
            final = data;
          }
        });
      }
      if (!final) throw new Error("incomplete");
      renderFinal(msg, final);
    } catch (e) {
      body.replaceChildren(el("p", { className: "error", text: e.message === "slow"
        ? "You are sending questions very fast. Please wait a moment and try again."
        : "Sorry, something went wrong and we could not answer. Please try again." }));
    } finally {
      msg.setAttribute("aria-busy", "false");
      busy = false;
      $("send").disabled = false;
    }
  }

  /* ---- wiring ----------------------------------------------------------------------------- */

  function init() {
    $("consent-form").addEventListener("submit", onConsent);
    for (const input of document.querySelectorAll('input[name="region"]')) input.addEventListener("change", showRegionNumbers);
    $("ask-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const q = $("question").value;
      $("question").value = "";
      ask(q);
    });
    $("question").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        $("ask-form").requestSubmit();
      }
    });
    for (const b of document.querySelectorAll(".suggestion")) b.addEventListener("click", () => ask(b.textContent));
    $("start-over").addEventListener("click", startOver);
    $("change-settings").addEventListener("click", showConsent);
    try { session = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { session = null; }
    if (session && session.id) showChat(true); else showRegionNumbers();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
