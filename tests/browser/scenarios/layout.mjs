// A phone-sized window: 390 px wide.

import { assert, phone, scenario } from '../support/scenario.mjs';

scenario('at 390 px the layout stacks, nothing scrolls sideways, and Edit brings the form into view',
  async ({ page, api, shot }) => {
    await api.seed(11);
    await api.create({ name: `Wolfeschlegelsteinhausenbergerdorff${'x'.repeat(60)}`, phone: '555 0100', email: 'w@example.com' });
    await page.goto('/');
    await page.getByRole('button', { name: 'Edit Customer 01' }).waitFor();
    const boxes = await page.evaluate(() => {
      const box = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON();
      return {
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        editor: box('#editor'),
        list: box('#list-view'),
      };
    });
    assert.ok(boxes.overflow <= 0, `the page scrolls sideways by ${boxes.overflow}px`);
    assert.ok(boxes.list.top >= boxes.editor.bottom, 'the list is below the form');
    assert.ok(boxes.editor.width <= 390 && boxes.list.width <= 390);
    await shot('customer-list-390px');

    const edit = page.getByRole('button', { name: 'Edit Customer 01' });
    await edit.scrollIntoViewIfNeeded();
    await edit.click();
    const name = page.getByLabel('Name', { exact: true });
    assert.equal(await name.inputValue(), 'Customer 01');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'name');
    const box = await name.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= phone.height, `the name field is at y=${box.y}`);
    await shot('customer-edit-390px');
  }, { viewport: phone });
