"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { resetPasswordAction, setUserActiveAction, updateUserAction } from "@/lib/actions/users";
import { ROLES, ROLE_LABELS } from "@/lib/validation/admin";
import { Field, Section, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

type Role = (typeof ROLES)[number];
type User = { id: string; name: string; email: string; role: Role; teamId: string | null; active: boolean };

/** Profile (name, role, team), access (deactivate / reactivate) and password reset for one user. */
export function UserEdit({ user, teams, isSelf }: { user: User; teams: { id: string; name: string }[]; isSelf: boolean }) {
  const [v, setV] = useState({ name: user.name, role: user.role, teamId: user.teamId ?? "" });
  const [password, setPassword] = useState("");
  const save = useAdminAction(updateUserAction, { success: () => "Saved" });
  const access = useAdminAction(setUserActiveAction, { success: (r) => (r.active ? `${user.email} can sign in again` : `${user.email} is deactivated; their session ends with the next click`) });
  const reset = useAdminAction(resetPasswordAction, { success: () => "Password changed", onSuccess: () => setPassword("") });

  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Section title="Profile">
        <form
          aria-label="Profile"
          noValidate
          className="grid grid-cols-1 gap-3 sm:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            save.run({ id: user.id, ...v });
          }}
        >
          <Field label="Name" errors={save.errors.name}>
            {(p) => <input {...p} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} className={inputClass} />}
          </Field>
          <Field label="Role" errors={save.errors.role} hint={isSelf ? "You cannot change your own role." : undefined}>
            {(p) => (
              <select {...p} value={v.role} disabled={isSelf} onChange={(e) => setV({ ...v, role: e.target.value as Role })} className={inputClass}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Team" errors={save.errors.teamId}>
            {(p) => (
              <select {...p} value={v.teamId} onChange={(e) => setV({ ...v, teamId: e.target.value })} className={inputClass}>
                <option value="">No team</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="sm:col-span-3">
            <Button type="submit" disabled={save.pending}>
              {save.pending ? "Saving…" : "Save profile"}
            </Button>
          </div>
        </form>
      </Section>
      <div className="space-y-4">
        <Section title="Access" description={user.active ? "Deactivating signs them out at once and keeps their history." : "This user cannot sign in."}>
          {isSelf ? (
            <p className="text-xs text-slate-600">You cannot deactivate your own account.</p>
          ) : user.active ? (
            <Button variant="danger" disabled={access.pending} onClick={() => access.run({ id: user.id, active: false })}>
              {access.pending ? "Deactivating…" : "Deactivate user"}
            </Button>
          ) : (
            <Button variant="secondary" disabled={access.pending} onClick={() => access.run({ id: user.id, active: true })}>
              {access.pending ? "Reactivating…" : "Reactivate user"}
            </Button>
          )}
        </Section>
        <Section title="Reset password">
          <form
            aria-label="Reset password"
            noValidate
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              reset.run({ id: user.id, password });
            }}
          >
            <Field label="New password" hint="At least 10 characters." errors={reset.errors.password} className="min-w-0 flex-1">
              {(p) => <input {...p} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />}
            </Field>
            <Button type="submit" variant="secondary" disabled={reset.pending} className="mb-5">
              {reset.pending ? "Saving…" : "Set password"}
            </Button>
          </form>
        </Section>
      </div>
    </div>
  );
}
