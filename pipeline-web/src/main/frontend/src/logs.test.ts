import fc from 'fast-check';
import { clock, contrast, isErrorLine, jobLabel, markSegments, matcher, matches, plain, sections, segments, type LogLine, type Segment } from './logs';

describe('log lines', () => {
  test('every ANSI colour, and any 256 or true colour, reads at 4.5:1 or more on the log and on an error line', () => {
    const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
    const rgb = (c: string): [number, number, number] => (c.startsWith('#') ? hex(c) : c.slice(4, -1).split(',').map(Number) as [number, number, number]);
    const colours = [30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97].map((n) => segments(`\u001b[${n}mx\u001b[0m`)[0].style.color!);
    for (let i = 0; i < 256; i += 7) colours.push(segments(`\u001b[38;5;${i}mx\u001b[0m`)[0].style.color!);
    colours.push(segments('\u001b[38;2;40;0;0mx\u001b[0m')[0].style.color!);
    for (const c of colours) {
      for (const bg of [[13, 17, 23], [58, 29, 32]] as Array<[number, number, number]>) {
        expect(contrast(rgb(c), bg), `${c} on rgb(${bg})`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  test('ANSI colours become styled segments and disappear from the plain text', () => {
    const s = segments('ok \u001b[31mred\u001b[0m \u001b[1;32mbold green\u001b[0m');
    expect(s.map((x) => x.text)).toEqual(['ok ', 'red', ' ', 'bold green']);
    expect(s[1].style.color).toBe('#ff7b72'); // ANSI red as a dark theme draws it
    expect(s[3].style).toMatchObject({ fontWeight: 'bold', color: '#3fb950' });
    expect(segments('\u001b[38;5;208morange\u001b[0m')[0].style.color).toBe('rgb(255, 135, 0)');
    expect(plain('ok \u001b[31mred\u001b[0m')).toBe('ok red');
    expect(segments('no codes')).toEqual([{ text: 'no codes', style: {} }]);
  });

  test('error lines: error words or red text, not words that merely contain them', () => {
    expect(isErrorLine('ERROR: compilation failed')).toBe(true);
    expect(isErrorLine('Tests run: 3, Failures: 0')).toBe(false);
    expect(isErrorLine('java.lang.IllegalStateException thrown')).toBe(false);
    expect(isErrorLine('an exception was thrown')).toBe(true);
    expect(isErrorLine('\u001b[31mplain words in red\u001b[0m')).toBe(false); // colour alone is not an error
    expect(isErrorLine('\u001b[31merror: in red\u001b[0m')).toBe(true);
    expect(isErrorLine('terrors of the deep')).toBe(false);
  });

  test('search is case-insensitive and literal, or a regular expression between slashes', () => {
    expect(matches(matcher('NEEDLE'), 'a needle here')).toBe(true);
    expect(matches(matcher('a.b'), 'axb')).toBe(false);
    expect(matches(matcher('/a.b/'), 'axb')).toBe(true);
    expect(matcher('/(unclosed/')).toBeNull();
    expect(matcher('  ')).toBeNull();
    const re = matcher('x')!;
    expect([matches(re, 'x'), matches(re, 'x'), matches(re, 'y')]).toEqual([true, true, false]);
  });

  test('timestamps show the time of day to the millisecond', () => {
    expect(clock('2026-11-27T10:00:00.123Z')).toBe('10:00:00.123');
    expect(clock('not a time')).toBe('not a time');
  });
  test('a search match is marked and keeps its colours, also across colour changes', () => {
    const pieces = markSegments(segments('\u001b[31merror: boom\u001b[0m at line 7'), matcher('boom at'));
    expect(pieces.map((p) => [p.text, p.mark, p.style.color ?? ''])).toEqual([
      ['error: ', false, '#ff7b72'],
      ['boom', true, '#ff7b72'],
      [' at', true, ''],
      [' line 7', false, ''],
    ]);
    expect(markSegments(segments('plain'), null)).toEqual([{ text: 'plain', style: {}, mark: false }]);
  });

  test('property: marking keeps the text, and exactly the matched characters are marked', () => {
    const seg = fc.record({ text: fc.string({ unit: fc.constantFrom('a', 'b', 'x', ' '), maxLength: 8 }), style: fc.constantFrom({}, { color: 'red' }) });
    fc.assert(fc.property(fc.array(seg, { maxLength: 6 }), fc.constantFrom('a', 'ab', 'b a', '/a+/', '/x|b/'), (segs: Segment[], q) => {
      const flat = segs.map((s) => s.text).join('');
      const pieces = markSegments(segs, matcher(q));
      expect(pieces.map((p) => p.text).join('')).toBe(flat);
      const marked = pieces.flatMap((p) => [...p.text].map(() => p.mark));
      const re = matcher(q)!;
      const expected = [...flat].map(() => false);
      re.lastIndex = 0;
      for (let m = re.exec(flat); m !== null; m = re.exec(flat)) for (let i = m.index; i < m.index + m[0].length; i++) expected[i] = true;
      expect(marked).toEqual(expected);
    }), { numRuns: 300 });
  });
});

describe('step sections and matrix jobs', () => {
  const line = (n: number, job: string, text: string): LogLine => ({ stage: 'test', line: n, job, attempt: 1, time: '2026-12-06T10:00:00.000Z', text });
  const lines = [
    line(1, 'test[os=linux]', '▶ make'), line(2, 'test[os=mac]', '▶ make'), line(3, 'test[os=linux]', 'cc a.c'),
    line(4, 'test[os=mac]', 'cc a.c'), line(5, 'test[os=linux]', '▶ make check'), line(6, 'test[os=linux]', 'ok'),
  ];

  test('a collapsed step keeps its first line, says how many are hidden, and leaves the other job alone', () => {
    const open = sections(lines, new Set());
    expect(open.map((r) => r.line.line)).toEqual([1, 2, 3, 4, 5, 6]);
    const first = open[0].section!;
    const folded = sections(lines, new Set([first]));
    expect(folded.map((r) => r.line.line)).toEqual([1, 2, 4, 5, 6]);
    expect(folded[0].hidden).toBe(1);
    expect(folded.find((r) => r.line.line === 5)!.header).toBe(true);
  });

  test('a matrix job is labelled by its cell; a plain job has no label', () => {
    expect(jobLabel('test[jdk=17, os=linux]')).toBe('jdk=17, os=linux');
    expect(jobLabel('build')).toBe('');
  });

  test('timestamps in UTC or in the viewer\'s zone', () => {
    expect(clock('2026-12-06T10:00:00.123Z', 'utc')).toBe('10:00:00.123');
    const d = new Date('2026-12-06T10:00:00.123Z');
    expect(clock('2026-12-06T10:00:00.123Z', 'local')).toBe(`${String(d.getHours()).padStart(2, '0')}:00:00.123`);
  });
});
