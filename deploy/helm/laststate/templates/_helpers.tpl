{{- define "laststate.fullname" -}}
{{- printf "%s-laststate" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "laststate.serviceAccountName" -}}
{{- default (include "laststate.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "laststate.labels" -}}
app.kubernetes.io/name: laststate
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "laststate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The store, target and options every laststate container gets; credentials only by reference. */}}
{{- define "laststate.storeEnv" -}}
- name: LASTSTATE_STORE
  value: {{ required "store is required: the checkpoint directory, such as s3://bucket/flink/checkpoints" .Values.store | quote }}
{{- with .Values.target }}
- name: LASTSTATE_TARGET
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "laststate.storeArgs" -}}
{{- range $key, $value := .Values.storeOptions }}
- "-o"
- {{ printf "%s=%s" $key (toString $value) | quote }}
{{- end }}
{{- end -}}

{{- define "laststate.envFrom" -}}
{{- with .Values.credentials.existingSecret }}
envFrom:
  - secretRef:
      name: {{ . | quote }}
{{- end }}
{{- end -}}

{{- define "laststate.containerSecurityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 65532
  runAsGroup: 65532
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* The init containers of a Flink JobManager's pod: promote (and verify), then resolve into the shared volume. */}}
{{- define "laststate.initContainers" -}}
- name: laststate-promote
  image: {{ include "laststate.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
    - promote
    {{- if .Values.init.verify }}
    - --verify
    {{- end }}
    - --allow-nothing
    {{- include "laststate.storeArgs" . | nindent 4 }}
  env:
    {{- include "laststate.storeEnv" . | nindent 4 }}
  {{- include "laststate.envFrom" . | nindent 2 }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  {{- include "laststate.containerSecurityContext" . | nindent 2 }}
  volumeMounts:
    - name: laststate-tmp
      mountPath: /tmp
- name: laststate-resolve
  image: {{ include "laststate.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
    - resolve
    - --allow-nothing
    - --output-file
    - {{ .Values.init.restorePathFile | quote }}
    {{- include "laststate.storeArgs" . | nindent 4 }}
  env:
    {{- include "laststate.storeEnv" . | nindent 4 }}
  {{- include "laststate.envFrom" . | nindent 2 }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  {{- include "laststate.containerSecurityContext" . | nindent 2 }}
  volumeMounts:
    - name: laststate-tmp
      mountPath: /tmp
    - name: {{ .Values.init.volumeName }}
      mountPath: {{ dir .Values.init.restorePathFile }}
{{- end -}}
