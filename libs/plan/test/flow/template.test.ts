import { describe, expect, it } from '@jest/globals';
import { Scope } from '../../src/flow/scope.js';
import { compileTemplate, isTemplated, renderTemplate } from '../../src/flow/template.js';

describe('templates', () => {
  const scope = new Scope({ id: 42, name: 'ann', on: true });
  scope.reset(new Map([['users', { email: 'a@x.io', 'full name': 'Ann B' }]]));
  const render = (text: string) => renderTemplate(compileTemplate(text), scope.lookup);

  it('resolves variables and feeder columns; an unknown one is empty', () => {
    expect(render('/users/${id}/${name}?on=${on}')).toBe('/users/42/ann?on=true');
    expect(render('${users.email} ${users.full name}')).toBe('a@x.io Ann B');
    expect(render('[${nope}][${users.nope}][${other.x}]')).toBe('[][][]');
    // Not a reference (validation refuses it): left as written.
    expect(render('${ id }')).toBe('${ id }');
  });

  it('$${ is a literal ${; a lone $ or an unclosed ${ stays as written', () => {
    expect(render('$${id} costs $5, ${id}')).toBe('${id} costs $5, 42');
    expect(render('a ${id')).toBe('a ${id');
    expect(compileTemplate('$${x}').constant).toBe('${x}');
    expect(compileTemplate('plain').constant).toBe('plain');
    expect(compileTemplate('${x}').constant).toBeUndefined();
  });

  it('isTemplated finds references and escapes alike', () => {
    expect(isTemplated('/a/${b}')).toBe(true);
    expect(isTemplated('$${b}')).toBe(true);
    expect(isTemplated('/a/$b')).toBe(false);
  });

  it('extracted values override the plan variables until the next iteration', () => {
    const s = new Scope({ id: 1 });
    s.set('id', '2');
    expect(s.lookup('id')).toBe('2');
    s.unset('id');
    expect(s.lookup('id')).toBe('');
    s.reset(new Map());
    expect(s.lookup('id')).toBe('1');
  });
});
