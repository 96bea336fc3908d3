// The embed's 404 stays inside the CRM's frame: no link that would load the whole app there.
export default function EmbedNotFound() {
  return (
    <main className="mx-auto max-w-md py-6 text-center">
      <h1 className="text-base font-semibold text-slate-900">No Nudge customer for this record</h1>
      <p className="mt-1 text-sm text-slate-600">This CRM record is not linked to a customer you can see in Nudge, or the link is out of date.</p>
    </main>
  );
}
