import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { clampView, fitView, follow, initialView, MARGIN, READABLE_SCALE, zoomAt, type Box, type Size, type View } from '../../media/viewport';

const panel: Size = { width: 800, height: 600 };

/** The drawing's rectangle on screen. */
function onScreen(view: View, drawing: Size): { left: number; top: number; right: number; bottom: number } {
  return { left: view.tx, top: view.ty, right: view.tx + drawing.width * view.scale, bottom: view.ty + drawing.height * view.scale };
}

function inside(view: View, box: Box): boolean {
  const l = box.x * view.scale + view.tx;
  const t = box.y * view.scale + view.ty;
  return l >= 0 && t >= 0 && l + box.width * view.scale <= panel.width && t + box.height * view.scale <= panel.height;
}

describe('panel view: readable on open, never lost', () => {
  it('opens a graph that fits at a readable scale whole and centred', () => {
    const drawing = { width: 500, height: 300 };
    const v = initialView(drawing, panel, { x: 0, y: 0, width: 40, height: 40 });
    assert.ok(v.scale >= READABLE_SCALE);
    const r = onScreen(v, drawing);
    assert.ok(Math.abs(r.left - (panel.width - r.right)) < 1e-9, 'centred across');
    assert.ok(Math.abs(r.top - (panel.height - r.bottom)) < 1e-9, 'centred down');
  });

  it('opens a graph too large to read whole at the readable scale, on the node it is given', () => {
    const drawing = { width: 141_199, height: 400 };
    const first = { x: 10, y: 180, width: 40, height: 26 };
    const v = initialView(drawing, panel, first);
    assert.equal(v.scale, READABLE_SCALE);
    assert.ok(inside(v, first));
    const current = { x: 70_000, y: 100, width: 40, height: 40 };
    assert.ok(inside(initialView(drawing, panel, current), current));
  });

  it('keeps the drawing in the panel whatever the pan and zoom asked for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 200_000 }), fc.integer({ min: 10, max: 50_000 }), fc.double({ min: 1e-4, max: 100, noNaN: true }), fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.double({ min: -1e7, max: 1e7, noNaN: true }), (w, h, scale, tx, ty) => {
        const drawing = { width: w, height: h };
        const v = clampView({ scale, tx, ty }, drawing, panel);
        const r = onScreen(v, drawing);
        const eps = 1e-6;
        // A drawing narrower than the panel stays wholly inside; a wider one covers it up to the margin.
        if (r.right - r.left + 2 * MARGIN <= panel.width) assert.ok(r.left >= MARGIN - eps && r.right <= panel.width - MARGIN + eps);
        else assert.ok(r.left <= MARGIN + eps && r.right >= panel.width - MARGIN - eps);
        if (r.bottom - r.top + 2 * MARGIN <= panel.height) assert.ok(r.top >= MARGIN - eps && r.bottom <= panel.height - MARGIN + eps);
        else assert.ok(r.top <= MARGIN + eps && r.bottom >= panel.height - MARGIN - eps);
      }),
      { numRuns: 500 },
    );
  });

  it('zooms in after Fit (the drawing grows and stays in view)', () => {
    for (const drawing of [{ width: 3000, height: 200 }, { width: 141_199, height: 900 }, { width: 300, height: 200 }]) {
      let v = fitView(drawing, panel);
      const fitted = v.scale;
      v = zoomAt(v, 1.25, panel.width / 2, panel.height / 2, drawing, panel);
      v = zoomAt(v, 1.25, panel.width / 2, panel.height / 2, drawing, panel);
      const r = onScreen(v, drawing);
      assert.ok(v.scale > fitted || fitted >= 1.5, `zoomed in from ${fitted} to ${v.scale}`);
      assert.ok(r.right > 0 && r.left < panel.width && r.bottom > 0 && r.top < panel.height, 'still in view');
    }
  });

  it('following the step never moves a drawing that fits, and brings an off-screen node and its neighbours into view', () => {
    const small = { width: 500, height: 300 };
    const v = initialView(small, panel, null);
    assert.equal(follow(v, { x: 400, y: 100, width: 90, height: 60 }, { x: 420, y: 110, width: 40, height: 40 }, small, panel), v);
    const large = { width: 100_000, height: 600 };
    const start = initialView(large, panel, { x: 0, y: 100, width: 40, height: 40 });
    const box = { x: 5000, y: 200, width: 300, height: 120 };
    const moved = follow(start, box, { x: 5100, y: 240, width: 40, height: 40 }, large, panel);
    assert.ok(inside(moved, box));
    assert.ok(moved.scale >= READABLE_SCALE);
    // Zoomed far out, following zooms back to a readable scale.
    const far = follow(fitView(large, panel), box, { x: 5100, y: 240, width: 40, height: 40 }, large, panel);
    assert.ok(far.scale >= READABLE_SCALE && inside(far, box));
  });
});
