// Deterministic helpers shared by the benchmark pages: a seeded PRNG (mulberry32) and a word list,
// so every run of every arm builds the same DOM and makes the same mutations.
(function () {
  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const WORDS = ('the of and to in is that for it as with was on be by at this have from or one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know get through back much before go good new write our used me man too any day same right look think also around another came come work three word must because does part even place well such here take why things help put years different away again off went old number great tell men say small every found still between name should home big give air line set own under read last never us left end along while might next sound below saw something thought both few those always looked show large often together asked house world going want school important until form food keep children feet land side without boy once animals life enough took sometimes four head above kind began almost live page got earth need far hand high year mother light parts country father let night following picture being study second eyes soon times story boys since white days ever paper hard near sentence better best across during today others however sure means knew its try told young miles sun ways thing whole hear example heard several change answer room sea against top turned learn point city play toward five using himself usually').split(' ');
  window.Bench = {
    rng: mulberry32,
    words: WORDS,
    sentence(rand, n) {
      const out = [];
      for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
      const s = out.join(' ');
      return s.charAt(0).toUpperCase() + s.slice(1) + '.';
    },
  };
})();
