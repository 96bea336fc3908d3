"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { createUserAction } from "@/lib/actions/users";
import { ROLES, ROLE_LABELS } from "@/lib/validation/admin";
import { Field, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

type Team = { id: string; name: string };
const empty = { email: "", name: "", role: "REP" as (typeof ROLES)[number], teamId: "", password: "" };

/** Adds a person with a role, a team and a first password (hashed on the server). */
export function CreateUserForm({ teams }: { teams: Team[] }) {
  const [open, setOpen] = useState(false);
  const [v, setV] = useState(empty);
  const { run, pending, errors } = useAdminAction(createUserAction, {
    success: () => `Added ${v.email}`,
    onSuccess: () => {
      setV(empty);
      setOpen(false);
    },
  });
  if (!open) {
    return <Button onClick={() => setOpen(true)}>Add user</Button>;
  }
  return (
    <form
      aria-label="Add user"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        run(v);
      }}
      className="grid w-full grid-cols-1 gap-3 rounded-lg border border-brand-100 bg-brand-50/40 p-3 sm:grid-cols-2 lg:grid-cols-5"
    >
      <Field label="Name" errors={errors.name}>
        {(p) => <input {...p} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} className={inputClass} autoFocus />}
      </Field>
      <Field label="Email" errors={errors.email}>
        {(p) => <input {...p} type="email" value={v.email} onChange={(e) => setV({ ...v, email: e.target.value })} className={inputClass} />}
      </Field>
      <Field label="Role" errors={errors.role}>
        {(p) => (
          <select {...p} value={v.role} onChange={(e) => setV({ ...v, role: e.target.value as (typeof ROLES)[number] })} className={inputClass}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Team" errors={errors.teamId}>
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
      <Field label="First password" hint="At least 10 characters; share it privately." errors={errors.password}>
        {(p) => <input {...p} type="password" autoComplete="new-password" value={v.password} onChange={(e) => setV({ ...v, password: e.target.value })} className={inputClass} />}
      </Field>
      <div className="flex gap-2 sm:col-span-2 lg:col-span-5">
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add user"}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
