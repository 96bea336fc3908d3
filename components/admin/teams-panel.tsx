"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { createTeamAction, updateTeamAction } from "@/lib/actions/users";
import { FieldErrors, inputClass } from "./form";
import { useAdminAction } from "./use-admin-action";

type Team = { id: string; name: string; managerId: string | null; members: number };
type Person = { id: string; name: string };

/** Teams with their manager: rename, change the manager, add a team. */
export function TeamsPanel({ teams, managers }: { teams: Team[]; managers: Person[] }) {
  return (
    <div className="space-y-2">
      <ul className="divide-y divide-slate-100" aria-label="Teams">
        {teams.map((t) => (
          <TeamRow key={`${t.id}:${t.name}:${t.managerId}`} team={t} managers={managers} />
        ))}
      </ul>
      <NewTeam managers={managers} />
    </div>
  );
}

function ManagerSelect({ value, onChange, managers, label }: { value: string; onChange: (v: string) => void; managers: Person[]; label: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} className={`${inputClass} sm:w-48`} aria-label={label}>
      <option value="">No manager</option>
      {managers.map((m) => (
        <option key={m.id} value={m.id}>
          {m.name}
        </option>
      ))}
    </select>
  );
}

function TeamRow({ team, managers }: { team: Team; managers: Person[] }) {
  const [name, setName] = useState(team.name);
  const [managerId, setManagerId] = useState(team.managerId ?? "");
  const { run, pending, errors } = useAdminAction(updateTeamAction, { success: () => `Saved team ${name}` });
  const dirty = name !== team.name || managerId !== (team.managerId ?? "");
  return (
    <li className="py-2">
      <form
        className="flex flex-wrap items-center gap-2"
        aria-label={`Team ${team.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          run({ id: team.id, name, managerId });
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} className={`${inputClass} sm:w-40`} aria-label={`Name of team ${team.name}`} />
        <ManagerSelect value={managerId} onChange={setManagerId} managers={managers} label={`Manager of team ${team.name}`} />
        <span className="text-xs text-slate-500">{team.members} members</span>
        {dirty ? (
          <Button type="submit" variant="secondary" className="px-2 py-1 text-xs" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </Button>
        ) : null}
        <a href={`/admin/audit?entity=Team&entityId=${team.id}`} className="ml-auto text-xs text-brand-700 hover:underline">
          History
        </a>
      </form>
      <FieldErrors errors={[...(errors.name ?? []), ...(errors.managerId ?? [])]} />
    </li>
  );
}

function NewTeam({ managers }: { managers: Person[] }) {
  const [name, setName] = useState("");
  const [managerId, setManagerId] = useState("");
  const { run, pending, errors } = useAdminAction(createTeamAction, {
    success: () => `Added team ${name}`,
    onSuccess: () => {
      setName("");
      setManagerId("");
    },
  });
  return (
    <form
      aria-label="Add team"
      className="flex flex-wrap items-center gap-2 border-t border-slate-100 pt-2"
      onSubmit={(e) => {
        e.preventDefault();
        run({ name, managerId });
      }}
    >
      <input value={name} onChange={(e) => setName(e.target.value)} placeholder="New team name" className={`${inputClass} sm:w-40`} aria-label="New team name" aria-invalid={Boolean(errors.name)} />
      <ManagerSelect value={managerId} onChange={setManagerId} managers={managers} label="Manager of the new team" />
      <Button type="submit" variant="secondary" className="px-2 py-1 text-xs" disabled={pending}>
        {pending ? "Adding…" : "Add team"}
      </Button>
      <FieldErrors errors={[...(errors.name ?? []), ...(errors.managerId ?? [])]} />
    </form>
  );
}
