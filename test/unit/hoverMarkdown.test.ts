import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { chainRuleOf } from '../../src/core/editor/chainRule';
import { bindingHoverMarkdown } from '../../src/core/editor/hoverMarkdown';
import { inlineValueLabels } from '../../src/core/editor/inlineValueLabels';
import { Stepper } from '../../src/core/engine/stepper';

const source = (dir: string, name: string): string => fs.readFileSync(path.resolve(__dirname, '../..', dir, name), 'utf8');

function open(text: string): { stepper: Stepper; hover: (name: string, which?: 'first' | 'last') => string } {
  const check = checkSource(text);
  assert.ok(check.graph, check.diagnostics.map((d) => d.message).join('\n'));
  const stepper = new Stepper(check.graph);
  const hover = (name: string, which: 'first' | 'last' = 'last'): string => {
    const all = check.bindings.filter((b) => b.name === name);
    const binding = which === 'first' ? all[0] : all[all.length - 1];
    assert.ok(binding, `no binding ${name}`);
    return bindingHoverMarkdown(stepper, binding);
  };
  return { stepper, hover };
}

describe('hover: the binding, its value and gradient, and the chain rule', () => {
  it('names the kind, op and line, and says a value is not computed before its forward step', () => {
    const { hover } = open(source('examples', 'apple.nn'));
    assert.match(hover('apple_num'), /\*\*`apple_num`\*\* · input · line 2/);
    assert.match(hover('apple_num'), /\*\*Value\*\* `2`/);
    const sum = hover('apple_sum');
    assert.match(sum, /mul \(×\) · line 6/);
    assert.match(sum, /not computed yet: forward step 1 computes it \(now start 0\/2\)/);
  });

  it('before the backward pass reaches a name, says so and when it will', () => {
    const { stepper, hover } = open(source('examples', 'apple.nn'));
    stepper.runForward();
    assert.match(hover('apple_sum'), /\*\*Value\*\* `200`/);
    assert.match(hover('apple_num'), /∂total\/∂apple_num not computed yet: the backward pass reaches `apple_num` at backward step 2 \(now forward 2\/2\)/);
  });

  it('shows the chain rule with exact numbers for scalars: 1.1 · 100 = 110.00000000000001', () => {
    const { stepper, hover } = open(source('examples', 'apple.nn'));
    stepper.runBackward();
    const text = hover('apple_num');
    assert.match(text, /∂total\/∂apple_num \(complete, 1 of 1 contribution\) `110.00000000000001`/);
    assert.ok(text.includes('∂total/∂apple_num = Σ over users u of ∂total/∂u · ∂u/∂apple_num'), text);
    assert.ok(text.includes('u = apple_sum (mul (×), line 6, backward step 2): 1.1 · 100 = 110.00000000000001'), text);
    assert.match(hover('total'), /seed \(backward step 1\): ∂total\/∂total = 1/);
  });

  it('shows the partial sum and how many contributions arrived while they are arriving', () => {
    const { stepper, hover } = open(source('test/fixtures', 'shared_use.nn'));
    // x = 3; y = x * x; z = y + x. Backward: step 1 runs z (sends 1 to x), step 2 runs y (sends 3 and 3).
    stepper.goTo(stepper.forwardSteps + 1);
    const partial = hover('x');
    assert.match(partial, /partial sum, 1 of 3 contributions arrived\) `1`/);
    assert.ok(partial.includes('u = z (add (+), line 4, backward step 1): 1 · 1 = 1'), partial);
    assert.ok(partial.includes('u = y (mul (×), line 3, backward step 2): not arrived yet'), partial);
    assert.ok(partial.includes('partial sum so far (1 of 3) = 1'), partial);
    stepper.next();
    const done = hover('x');
    assert.match(done, /complete, 3 of 3 contributions\) `7`/);
    assert.ok(done.includes('1 · 3 = 3'), done);
    assert.ok(done.includes('  = 7'), done);
  });

  it('shows each binding of a rebound name: the old c and the new c differ', () => {
    const { stepper, hover } = open(source('test/fixtures', 'rebinding.nn'));
    stepper.runBackward();
    assert.match(hover('c', 'first'), /input · line 2[\s\S]*`3`[\s\S]*∂d\/∂c \(complete, 2 of 2 contributions\) `4`/);
    assert.match(hover('c', 'last'), /add \(\+\) · line 3[\s\S]*`7`[\s\S]*∂d\/∂c \(complete, 1 of 1 contribution\) `2`/);
  });

  it('says a const takes no gradient', () => {
    const { stepper, hover } = open(source('examples', 'two_layer_net.nn'));
    stepper.runBackward();
    assert.match(hover('t'), /\*\*Gradient\*\* none: a const takes no gradient/);
  });

  it('shows a tensor by shape, truncated print, and min/max/mean of value and gradient', () => {
    const { stepper, hover } = open(source('examples', 'two_layer_net.nn'));
    stepper.runBackward();
    const text = hover('W1');
    assert.match(text, /\*\*Shape\*\* `\[2,4\]`/);
    assert.match(text, /```text\n\[\[/);
    const stats = text.match(/min `[^`]+` · max `[^`]+` · mean `[^`]+`/g);
    assert.equal(stats?.length, 2, 'statistics for the value and for the gradient');
    assert.match(text, /∂loss\/∂W1 \(complete, 1 of 1 contribution\)/);
  });

  it('the chain rule terms sum to the gradient the stepper holds', () => {
    const { stepper } = open(source('examples', 'apple_orange.nn'));
    stepper.runBackward();
    for (let id = 0; id < stepper.graph.nodes.length; id++) {
      const rule = chainRuleOf(stepper, id);
      if (rule.terms.length === 0) continue;
      const sum = rule.terms.reduce((s, t) => s + t.contribution!.data[0]!, 0);
      assert.equal(sum, rule.sum!.data[0]);
    }
  });
});

describe('inline values: what the ends of lines show', () => {
  it('shows nothing at position 0 (so Reset clears them), then values, then gradients', () => {
    const check = checkSource(source('examples', 'apple.nn'));
    const stepper = new Stepper(check.graph!);
    assert.deepEqual(inlineValueLabels(stepper, check.bindings), []);
    stepper.next();
    const first = new Map(inlineValueLabels(stepper, check.bindings).map((l) => [l.line, l.text]));
    assert.equal(first.get(5), '= 200');
    assert.equal(first.get(1), '= 2');
    assert.equal(first.has(6), false, 'total is not computed yet');
    stepper.runBackward();
    const last = new Map(inlineValueLabels(stepper, check.bindings).map((l) => [l.line, l.text]));
    assert.equal(last.get(1), '= 2   ∂ 110.00000000000001');
    assert.equal(last.get(6), '= 220.00000000000003   ∂ 1');
  });

  it('marks a partial gradient with the contributions arrived', () => {
    const check = checkSource(source('test/fixtures', 'shared_use.nn'));
    const stepper = new Stepper(check.graph!);
    stepper.goTo(stepper.forwardSteps + 1);
    const labels = new Map(inlineValueLabels(stepper, check.bindings).map((l) => [l.line, l.text]));
    assert.equal(labels.get(1), '= 3   ∂ 1 (1/3)');
  });
});
