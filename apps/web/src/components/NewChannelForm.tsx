/** Creates a channel, in an event (organisers/moderators) or standalone. */
import { CreateChannelBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { formErrorsOf } from "../api/problem";
import { zodFieldErrors } from "../forms/zod-errors";
import { useCreateChannel } from "../state/queries/channels";
import { Field, FormError } from "./ui";

export function NewChannelForm({ eventId }: { eventId?: string }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useCreateChannel();
  const navigate = useNavigate();

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = CreateChannelBody.safeParse({
      name,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(eventId ? { eventId } : {}),
    });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    setFormError(null);
    create.mutate(parsed.data, {
      onSuccess: (ch) => {
        setName("");
        setDescription("");
        // In an event the new channel appears in its list; a standalone one opens.
        if (!eventId) navigate(`/channels/${ch.id}`);
      },
      onError: (err) => {
        const r = formErrorsOf(err);
        setErrors(r.fields);
        setFormError(r.form);
      },
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="New channel" className="stack-top">
      <FormError>{formError}</FormError>
      <Field
        label="Channel name"
        name="channelName"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        placeholder="Stewards"
      />
      <Field
        label="Channel description"
        name="channelDescription"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={errors.description}
        placeholder="Optional"
      />
      <button className="btn primary" type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create channel"}
      </button>
    </form>
  );
}
