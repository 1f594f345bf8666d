import { describe, expect, it } from 'vitest';
import { ArrivalFigures } from '../../web/try/arrivalFigures.js';

describe('ArrivalFigures', () => {
  it('sees no jitter and nothing late in perfectly paced audio', () => {
    const figures = new ArrivalFigures();
    for (let index = 0; index < 100; index++) figures.received(1000 + index * 20, 20, 160);
    expect(figures).toMatchObject({ messages: 100, bytes: 16_000, jitterMs: 0, late: 0 });
  });

  it('measures alternating early and late arrivals and counts the late ones', () => {
    const figures = new ArrivalFigures();
    for (let index = 0; index < 200; index++) figures.received(index * 20 + (index % 2 === 0 ? 0 : 80), 20, 160);
    // Every transit differs from the last by 80 ms: the estimator converges on 80.
    expect(figures.jitterMs).toBeGreaterThan(79);
    expect(figures.jitterMs).toBeLessThanOrEqual(80);
    expect(figures.late).toBe(100);
  });

  it('takes a long pause for a new talk spurt, not for lateness', () => {
    const figures = new ArrivalFigures();
    for (let index = 0; index < 50; index++) figures.received(index * 20, 20, 160);
    for (let index = 0; index < 50; index++) figures.received(5000 + index * 20, 20, 160);
    expect(figures.late).toBe(0);
    expect(figures.jitterMs).toBe(0);
  });
});
