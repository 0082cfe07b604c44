// The article reacting to its playgrounds: the CustomEvents each
// <raft-playground> sends (bubbling, composed) light up the lines that say
// what to do next. A cue appears only when its event came, so the page
// never tells the reader to crash a leader that does not exist yet.
//
// Events and their detail (docs/embedding.html lists them all):
//   raft-leader-change   {leader, term, virtualMs}  leader: id or null
//   raft-quorum-lost     {virtualMs}
//   raft-quorum-regained {virtualMs}
(function () {
  'use strict';

  const show = (cue, on) => {
    if (cue) cue.classList.toggle('now', on);
  };
  // Writes the leader's name and term into a cue, in both languages.
  const fill = (cue, leader, term) => {
    for (const el of cue.querySelectorAll('.js-leader')) el.textContent = 'n' + leader;
    for (const el of cue.querySelectorAll('.js-term')) el.textContent = String(term);
  };

  // 1. Elections: the first leader asks the reader to crash it; the next
  //    one (a higher term) says who took over.
  const election = document.getElementById('pg-election');
  if (election) {
    const crashCue = document.getElementById('cue-crash');
    const tookOver = document.getElementById('cue-new-leader');
    let first = null; // {leader, term}: the leader the reader is asked to crash
    election.addEventListener('raft-leader-change', (e) => {
      const { leader, term } = e.detail || {};
      if (leader == null) return;
      if (first === null || term < first.term) {
        // The first leader, or a new cluster (terms start again).
        first = { leader, term };
        fill(crashCue, leader, term);
        show(crashCue, true);
        show(tookOver, false);
      } else if (leader !== first.leader || term > first.term) {
        fill(tookOver, leader, term);
        show(crashCue, false);
        show(tookOver, true);
      }
    });
  }

  // 2. Quorum: say so when it is lost, and when it comes back.
  const quorum = document.getElementById('pg-quorum');
  if (quorum) {
    const lost = document.getElementById('cue-quorum-lost');
    const back = document.getElementById('cue-quorum-back');
    quorum.addEventListener('raft-quorum-lost', () => {
      show(back, false);
      show(lost, true);
    });
    quorum.addEventListener('raft-quorum-regained', () => {
      if (!lost.classList.contains('now')) return; // the start, not a recovery
      show(lost, false);
      show(back, true);
    });
  }

  // 5. The leader in the minority: name the leader the majority elected.
  const minority = document.getElementById('pg-minority');
  if (minority) {
    const cue = document.getElementById('cue-minority-leader');
    let firstTerm = null;
    minority.addEventListener('raft-leader-change', (e) => {
      const { leader, term } = e.detail || {};
      if (leader == null) return;
      if (firstTerm === null || term < firstTerm) {
        firstTerm = term;
        return;
      }
      if (term > firstTerm) {
        fill(cue, leader, term);
        show(cue, true);
      }
    });
  }
})();
