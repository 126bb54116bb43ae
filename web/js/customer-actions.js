// Deleting a customer: a confirmation first, then a toast with Undo.
// Undo re-creates the customer with the same name, phone and e-mail (a new
// id; the delete and the re-creation are both real events in the outbox),
// rather than holding the delete back in the browser, where closing the tab
// would lose it.

import { ApiError, api, newIdempotencyKey } from './api.js';
import { confirmAction } from './dialog.js';
import { alertError, toast } from './notify.js';

// onChanged({ deleted }) reloads what the page shows; true when the customer was deleted.
export async function deleteWithUndo(customer, { onChanged, form }) {
  const confirmed = await confirmAction({
    title: `Delete ${customer.name}?`,
    body: `Customer ${customer.id} (${customer.email}) will be removed from the list. `
      + 'You can undo this for a few seconds.',
    confirm: 'Delete customer',
  });
  if (!confirmed) return false;
  try {
    await api.remove(customer.id, customer.version);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 404) {
      toast(`${customer.name} was already deleted.`);
      await onChanged({ deleted: true });
      return true;
    }
    if (error.status === 412) {
      alertError(`${customer.name} was not deleted: someone changed it after you loaded it. `
        + 'The page now shows the new version; delete again if you still want to.');
      await onChanged({ deleted: false });
      return false;
    }
    alertError(`${customer.name} was not deleted. ${error.message}`);
    return false;
  }
  if (form.editingId() === customer.id) form.startCreate();
  const values = { name: customer.name, phone: customer.phone, email: customer.email };
  const key = newIdempotencyKey();  // a second click on Undo cannot restore twice
  toast(`Deleted ${customer.name}.`, {
    timeout: 12000,
    action: {
      label: 'Undo',
      run: async () => {
        const { data } = await api.create(values, key);
        toast(`Restored ${data.name} as customer ${data.id}.`);
        await onChanged({ deleted: false });
      },
    },
  });
  await onChanged({ deleted: true });
  return true;
}
